import { createHash } from 'node:crypto';
import { normalizeEmail } from '#shared/identity/logins/keys';

/**
 * A login's password-reset code, SDK-free so that the CDK can derive grants from it. It lives
 * in the login's own partition (`LOGIN#<email>`, beside the login item), one per login: a new
 * code replaces the one before, and `confirm-forgot-password`, which is given the username and
 * the code, finds it with one GetItem.
 *
 * The code itself is never stored, only its SHA-256: a code is 80 random bits that are tried
 * at most a few times before they are burnt, so a fast hash is enough (as for API keys), and
 * the table never holds a usable code.
 *
 * The item (`PasswordResetItem`): `login_id`, `user_id`, `organization_id`, `code_hash`,
 * `purpose` (`reset`: a forgotten password; `owner-setup`: the first password of an
 * organization's owner, who has none), `tries_left` (a wrong code spends one; none left burns
 * the code), `created_at`, and `expires_at` (epoch seconds: the code is refused from then on,
 * and the table's TTL deletes the item some time after).
 */
export const passwordResetKeys = {
  byEmail: (email: string) => ({ pk: `LOGIN#${normalizeEmail(email)}`, sk: 'PASSWORD_RESET' }),
};

export function hashResetCode(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}
