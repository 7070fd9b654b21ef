import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { passwordResetKeys } from '#shared/identity/passwords/keys';
import {
  newResetCode,
  normalizeResetCode,
  RESET_CODE,
  resetCodeMatches,
  type PasswordResetItem,
} from '#shared/identity/passwords/reset-code';

const login = { email: ' Ada@Osma.Test ', loginId: 'lgn_1', userId: 'usr_1', organizationId: 'org_1' };
const NOW = new Date('2026-11-27T12:00:00.000Z');

function issued(purpose: 'reset' | 'owner-setup' = 'reset') {
  const { code, expiresAt, item } = newResetCode(login, purpose, NOW);
  return { code, expiresAt, item: item as unknown as PasswordResetItem & { pk: string; sk: string } };
}

describe('newResetCode', () => {
  it('makes 16 base32 characters, fitting the seed’s 20-character confirmation-code, and keeps only their SHA-256', () => {
    const { code, item } = issued();

    expect(code).toMatch(/^[A-Z2-7]{16}$/);
    expect(item.code_hash).toBe(createHash('sha256').update(code).digest('hex'));
    expect(JSON.stringify(item)).not.toContain(code);
    expect(item).toMatchObject({ ...passwordResetKeys.byEmail('ada@osma.test'), purpose: 'reset', tries_left: RESET_CODE.tries });
  });

  it('is valid for an hour for a reset and a week for an owner’s first password', () => {
    expect(issued('reset').item.expires_at).toBe(NOW.getTime() / 1000 + 3600);
    expect(issued('owner-setup').item.expires_at).toBe(NOW.getTime() / 1000 + 7 * 24 * 3600);
  });

  it('draws every character of the alphabet about equally often', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i++) for (const character of issued().code) counts.set(character, (counts.get(character) ?? 0) + 1);

    // 32,000 characters over 32 letters: 1,000 each expected; a biased draw would be far off.
    expect(counts.size).toBe(32);
    for (const count of counts.values()) expect(count).toBeGreaterThan(800);
    for (const count of counts.values()) expect(count).toBeLessThan(1200);
  });
});

describe('resetCodeMatches', () => {
  it('accepts the code as typed by hand: any case, spaces and hyphens', () => {
    const { code, item } = issued();

    expect(normalizeResetCode(` ${code.slice(0, 4).toLowerCase()}-${code.slice(4, 8)} ${code.slice(8)} `)).toBe(code);
    expect(resetCodeMatches(item, code.toLowerCase(), NOW)).toBe(true);
  });

  it('refuses another code, no code item, an expired code and a burnt one', () => {
    const { code, item } = issued();
    const other = code.startsWith('A') ? `B${code.slice(1)}` : `A${code.slice(1)}`;

    expect(resetCodeMatches(item, other, NOW)).toBe(false);
    expect(resetCodeMatches(undefined, code, NOW)).toBe(false);
    expect(resetCodeMatches(item, code, new Date(item.expires_at * 1000))).toBe(false);
    expect(resetCodeMatches({ ...item, tries_left: 0 }, code, NOW)).toBe(false);
    expect(resetCodeMatches({ ...item, tries_left: 1 }, code, NOW)).toBe(true);
  });
});
