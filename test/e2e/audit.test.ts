import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createOrganization } from '#shared/identity/organizations/organization';
import { organizationKeys } from '#shared/identity/organizations/keys';
import {
  AUDIT_RETENTION_SECONDS,
  auditItem,
  listAudit,
  listPlatformAudit,
  writeAudit,
  type AuditEvent,
} from '#shared/identity/audit/audit';
import { auditKeys } from '#shared/identity/audit/keys';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';
import { TIMESTAMP } from '#test/support/api';

/** The audit trail against the real DynamoDB Local of the test stack (test/support/api.ts points the SDK there). */
const newOrganizationId = async () => (await createOrganization('Audit test')).id;

const failedLogin = (organizationId: string, n: number): AuditEvent => ({
  organizationId,
  action: 'login.failed',
  actor: { type: 'anonymous' },
  target: { type: 'user', id: `usr_${n}` },
  ip: '203.0.113.7',
  userAgent: 'vitest',
  data: { reason: 'wrong-password', attempt: n },
});

describe('writeAudit and listAudit', () => {
  it('lists what was written, newest first, field for field', async () => {
    // Prepare
    const organizationId = await newOrganizationId();
    const written = [];
    for (let n = 1; n <= 3; n++) written.push(await writeAudit(failedLogin(organizationId, n)));

    // Act
    const page = await listAudit(organizationId, { limit: 10 });

    // Assess
    expect(page.has_next).toBe(false);
    expect(page.data).toEqual([...written].reverse());
    expect(page.data[0]).toEqual({
      id: expect.stringMatching(/^aud_[0-9A-Za-z]{27}$/),
      createdAt: expect.stringMatching(TIMESTAMP),
      organizationId,
      action: 'login.failed',
      actor: { type: 'anonymous' },
      target: { type: 'user', id: 'usr_3' },
      ip: '203.0.113.7',
      userAgent: 'vitest',
      data: { reason: 'wrong-password', attempt: 3 },
    });
  });

  it('pages with the usual cursors', async () => {
    // Prepare
    const organizationId = await newOrganizationId();
    const ids: string[] = [];
    for (let n = 1; n <= 5; n++) ids.push((await writeAudit(failedLogin(organizationId, n))).id);
    const newestFirst = [...ids].reverse();

    // Act
    const first = await listAudit(organizationId, { limit: 2 });
    const second = await listAudit(organizationId, { limit: 2, starting_after: first.data.at(-1)!.id });
    const third = await listAudit(organizationId, { limit: 2, starting_after: second.data.at(-1)!.id });
    const back = await listAudit(organizationId, { limit: 2, ending_before: third.data[0]!.id });

    // Assess
    expect(first.data.map((event) => event.id)).toEqual(newestFirst.slice(0, 2));
    expect(second.data.map((event) => event.id)).toEqual(newestFirst.slice(2, 4));
    expect(third.data.map((event) => event.id)).toEqual(newestFirst.slice(4));
    expect([first.has_next, second.has_next, third.has_next]).toEqual([true, true, false]);
    expect(back.data.map((event) => event.id)).toEqual(newestFirst.slice(2, 4));
  });

  it('keeps each organization to its own trail', async () => {
    // Prepare
    const [mine, theirs] = await Promise.all([newOrganizationId(), newOrganizationId()]);
    const own = await writeAudit(failedLogin(mine, 1));
    await writeAudit(failedLogin(theirs, 2));

    // Act
    const page = await listAudit(mine, { limit: 100 });

    // Assess
    expect(page.data.map((event) => event.id)).toEqual([own.id]);
  });

  it('stores the item with its TTL, 400 days on', async () => {
    // Prepare
    const organizationId = await newOrganizationId();
    const before = Math.floor(Date.now() / 1000);
    const written = await writeAudit({ organizationId, action: 'mfa.enabled', actor: { type: 'user', id: 'usr_1' } });

    // Act
    const { Item } = await db().send(
      new GetCommand({ TableName: tableName(), Key: auditKeys.key(written.id, { organizationId, day: '' }), ConsistentRead: true }),
    );

    // Assess
    expect(Item).toMatchObject({ pk: `ORG#${organizationId}#AUDIT`, sk: written.id, entity: 'audit', action: 'mfa.enabled' });
    expect(Item!.expires_at).toBeGreaterThanOrEqual(before + AUDIT_RETENTION_SECONDS);
    expect(Item!.expires_at).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + AUDIT_RETENTION_SECONDS);
  });

  it('leaves out an event past its retention that TTL has not deleted yet', async () => {
    // Prepare: an event written 401 days ago (DynamoDB deletes expired items only eventually).
    const organizationId = await newOrganizationId();
    const old = auditItem(failedLogin(organizationId, 1), new Date(Date.now() - 401 * 24 * 60 * 60 * 1000));
    await db().send(new PutCommand({ TableName: tableName(), Item: old }));
    const recent = await writeAudit(failedLogin(organizationId, 2));

    // Act
    const page = await listAudit(organizationId, { limit: 10 });

    // Assess
    expect(page.data.map((event) => event.id)).toEqual([recent.id]);
  });
});

describe('auditItem in a transaction', () => {
  it('is written with the change, and not without it', async () => {
    // Prepare
    const organizationId = await newOrganizationId();
    const change = (organizationExists: boolean) =>
      db().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: tableName(),
                Key: organizationKeys.key(organizationExists ? organizationId : 'org_missing'),
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
            {
              Put: {
                TableName: tableName(),
                Item: auditItem({ organizationId, action: 'organization.suspended', actor: { type: 'platform' } }),
              },
            },
          ],
        }),
      );

    // Act
    await expect(change(false)).rejects.toThrow(/cancel/i);
    await change(true);

    // Assess
    const page = await listAudit(organizationId, { limit: 10 });
    expect(page.data.map((event) => event.action)).toEqual(['organization.suspended']);
  });
});

describe('events of no organization', () => {
  it('go to the platform trail of their UTC day', async () => {
    // Prepare
    const email = `nobody-${Date.now()}@osma.test`;

    // Act
    const written = await writeAudit({ action: 'login.failed', actor: { type: 'anonymous' }, data: { username: email, reason: 'unknown-login' } });
    const page = await listPlatformAudit(written.createdAt.slice(0, 10), { limit: 1000 });

    // Assess
    expect(written.organizationId).toBeUndefined();
    expect(page.data.find((event) => event.id === written.id)).toEqual(written);
  });
});
