import { randomBytes, timingSafeEqual } from 'node:crypto';
import { hashResetCode, passwordResetKeys } from '#shared/identity/passwords/keys';
import { timestamp } from '#shared/platform/time';

/**
 * Password-reset codes: 16 characters of the RFC 4648 base32 alphabet (A to Z, 2 to 7), that is
 * 80 random bits, stored as the SHA-256 of the code (shared/identity/passwords/keys.ts). The
 * seed's `confirmation-code` holds at most 20 characters; 80 bits that allow 5 wrong tries
 * leave a guesser a chance of 5 in 2^80. The alphabet has no 0, 1, 8 or 9 to confuse with
 * letters, and a code typed by hand may come in lower case or with spaces and hyphens.
 *
 * How long one lives depends on what it is for: a forgotten password is reset within the
 * hour, an organization's first owner is given a week to set theirs.
 */
export const RESET_CODE = {
  characters: 16,
  /** Wrong codes for one login before its code is burnt. */
  tries: 5,
  validSeconds: { reset: 60 * 60, 'owner-setup': 7 * 24 * 60 * 60 },
} as const;

export type ResetPurpose = keyof typeof RESET_CODE.validSeconds;

export interface PasswordResetItem {
  login_id: string;
  user_id: string;
  organization_id: string;
  code_hash: string;
  purpose: ResetPurpose;
  tries_left: number;
  created_at: string;
  /** Epoch seconds: refused from then on, and deleted by the table's TTL. */
  expires_at: number;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * A new code for a login, and the item to Put (in the change's own transaction, or alone: it
 * replaces any earlier code of the login). The code is for the person and never kept.
 */
export function newResetCode(
  login: { email: string; loginId: string; userId: string; organizationId: string },
  purpose: ResetPurpose,
  now: Date = new Date(),
): { code: string; expiresAt: Date; item: Record<string, unknown> } {
  // 256 is a multiple of 32, so the low five bits of a random byte are a uniform letter.
  const code = [...randomBytes(RESET_CODE.characters)].map((byte) => BASE32[byte & 31]).join('');
  const expiresAt = new Date(now.getTime() + RESET_CODE.validSeconds[purpose] * 1000);
  const reset: PasswordResetItem = {
    login_id: login.loginId,
    user_id: login.userId,
    organization_id: login.organizationId,
    code_hash: hashResetCode(code),
    purpose,
    tries_left: RESET_CODE.tries,
    created_at: timestamp(now),
    expires_at: Math.floor(expiresAt.getTime() / 1000),
  };
  return { code, expiresAt, item: { ...passwordResetKeys.byEmail(login.email), entity: 'password_reset', ...reset } };
}

/** A code as a person may type it: any case, with spaces or hyphens between groups. */
export function normalizeResetCode(text: string): string {
  return text.replace(/[\s-]/g, '').toUpperCase();
}

/**
 * Whether `code` is the one `reset` holds, and may still be used at `now`: not expired and not
 * burnt. The hashes are compared in constant time, so the answer's time says nothing of how
 * much of a code was right.
 */
export function resetCodeMatches(reset: PasswordResetItem | undefined, code: string, now: Date = new Date()): boolean {
  const candidate = Buffer.from(hashResetCode(normalizeResetCode(code)), 'hex');
  const stored = Buffer.from(reset?.code_hash ?? '', 'hex');
  const equal = stored.length === candidate.length ? timingSafeEqual(stored, candidate) : false;
  return equal && resetCodeUsable(reset, now);
}

/** Not expired and with tries left. */
export function resetCodeUsable(reset: PasswordResetItem | undefined, now: Date = new Date()): reset is PasswordResetItem {
  return reset !== undefined && reset.tries_left > 0 && reset.expires_at > Math.floor(now.getTime() / 1000);
}
