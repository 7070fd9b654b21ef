import { describe, expect, it } from 'vitest';
import { generateApiKey, isUsable, modeOfKey, publicStatus, redactKey } from '#shared/identity/api-keys/api-key';

describe('an API key', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  const at = (offsetSeconds: number) => new Date(now + offsetSeconds * 1000).toISOString().replace('Z', '000+00:00');

  it('is shown expired once an expiring key passes its expiry, and is usable only while active or expiring', () => {
    const cases = [
      [{ status: 'active', expires_at: null }, 'active', true],
      [{ status: 'expiring', expires_at: at(1) }, 'expiring', true],
      [{ status: 'expiring', expires_at: at(0) }, 'expired', false],
      [{ status: 'expiring', expires_at: at(-3600) }, 'expired', false],
      [{ status: 'expiring', expires_at: null }, 'expired', false],
      [{ status: 'revoked', expires_at: null }, 'revoked', false],
      [{ status: 'revoked', expires_at: at(3600) }, 'revoked', false],
    ] as const;
    for (const [record, status, usable] of cases) {
      expect(publicStatus(record, now), JSON.stringify(record)).toBe(status);
      expect(isUsable(record, now), JSON.stringify(record)).toBe(usable);
    }
  });

  it('is redacted to its prefix and last four characters, and carries its mode in its prefix', () => {
    const key = generateApiKey('live');

    expect(redactKey(key)).toBe(`sk_live_...${key.slice(-4)}`);
    expect(modeOfKey(key)).toBe('live');
    expect(modeOfKey(generateApiKey('test'))).toBe('test');
    expect(modeOfKey('sk_prod_0123456789012345678901')).toBeUndefined();
  });
});
