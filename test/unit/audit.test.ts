import { describe, expect, it } from 'vitest';
import { AUDIT_RETENTION_SECONDS, auditItem, isSecretKey, type AuditEvent } from '#shared/identity/audit/audit';
import { auditKeys } from '#shared/identity/audit/keys';

const ORG = 'org_2zQ1rUaHgKEIDp9YbvMGGVyN8bR';
const NOW = new Date('2031-03-04T23:59:59.500Z');

describe('an audit item', () => {
  it('goes to its organization partition, sorted by a time-sortable id, with its TTL', () => {
    // Act
    const item = auditItem(
      {
        organizationId: ORG,
        action: 'password.changed',
        actor: { type: 'user', id: 'usr_2zQ1rUaHgKEIDp9YbvMGGVyN8bR' },
        target: { type: 'user', id: 'usr_2zQ1rUaHgKEIDp9YbvMGGVyN8bR' },
        ip: '203.0.113.9',
        userAgent: 'curl/8.5.0',
        data: { 'sessions-ended': 3 },
      },
      NOW,
    );

    // Assess
    expect(item).toEqual({
      pk: `ORG#${ORG}#AUDIT`,
      sk: item.id,
      entity: 'audit',
      id: expect.stringMatching(/^aud_[0-9A-Za-z]{27}$/),
      organization_id: ORG,
      action: 'password.changed',
      actor: { type: 'user', id: 'usr_2zQ1rUaHgKEIDp9YbvMGGVyN8bR' },
      target: { type: 'user', id: 'usr_2zQ1rUaHgKEIDp9YbvMGGVyN8bR' },
      ip: '203.0.113.9',
      user_agent: 'curl/8.5.0',
      data: { 'sessions-ended': 3 },
      created_at: '2031-03-04T23:59:59.500000+00:00',
      expires_at: Math.floor(NOW.getTime() / 1000) + 400 * 24 * 60 * 60,
    });
    expect(AUDIT_RETENTION_SECONDS).toBe(34_560_000);
  });

  it('goes to the platform partition of its UTC day when it has no organization', () => {
    const item = auditItem({ action: 'login.failed', actor: { type: 'anonymous' }, data: { reason: 'unknown-login' } }, NOW);
    expect(item.pk).toBe('PLATFORM#AUDIT#2031-03-04');
    expect(item.pk).toBe(auditKeys.platformPk('2031-03-04'));
  });

  it('sorts by time: a later event has a greater id', () => {
    const event: AuditEvent = { organizationId: ORG, action: 'session.ended', actor: { type: 'platform' } };
    const earlier = auditItem(event, new Date('2031-03-04T10:00:00.001Z'));
    const later = auditItem(event, new Date('2031-03-04T10:00:00.002Z'));
    expect(String(later.sk) > String(earlier.sk)).toBe(true);
  });

  it('cuts a long user agent', () => {
    const item = auditItem({ action: 'login.failed', actor: { type: 'anonymous' }, userAgent: 'x'.repeat(5000) }, NOW);
    expect(item.user_agent).toHaveLength(512);
  });
});

describe('what an audit item refuses', () => {
  const base: AuditEvent = { organizationId: ORG, action: 'login.succeeded', actor: { type: 'user', id: 'usr_1' } };

  it('a data key that names a secret', () => {
    for (const key of ['password', 'new-password', 'refresh_token', 'accessToken', 'totp-code', 'confirmation-code', 'secret', 'shared-secret-key', 'provisioning-uri', 'reset-link', 'api-key', 'password_hash']) {
      expect(() => auditItem({ ...base, data: { [key]: 'x' } }), key).toThrow(/secret/);
    }
  });

  it('but not an id of one, nor an ordinary word', () => {
    for (const key of ['api-key-id', 'session-id', 'tokenId', 'reason', 'email', 'sessions-ended', 'keyboard', 'codename']) {
      expect(isSecretKey(key), key).toBe(false);
    }
  });

  it('an unknown action or actor, a missing actor id, an anonymous actor with one, a malformed organization', () => {
    expect(() => auditItem({ ...base, action: 'login.tried' as never })).toThrow(/action/);
    expect(() => auditItem({ ...base, actor: { type: 'robot' as never } })).toThrow(/actor type/);
    expect(() => auditItem({ ...base, actor: { type: 'user' } })).toThrow(/needs its id/);
    expect(() => auditItem({ ...base, actor: { type: 'api-key' } })).toThrow(/needs its id/);
    expect(() => auditItem({ ...base, actor: { type: 'anonymous', id: 'x' } })).toThrow(/anonymous/);
    expect(() => auditItem({ ...base, organizationId: 'ORG#x' })).toThrow(/organization id/);
  });

  it('data that nests or grows', () => {
    expect(() => auditItem({ ...base, data: { nested: { a: 1 } as never } })).toThrow(/flat/);
    expect(() => auditItem({ ...base, data: { note: 'x'.repeat(513) } })).toThrow(/at most 512/);
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i]));
    expect(() => auditItem({ ...base, data: many })).toThrow(/at most 20 keys/);
  });
});
