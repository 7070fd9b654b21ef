import { confirmPassword, ownLogin } from '#shared/identity/logins/own-login';
import { checkLoginThrottle, recordFailedSignIn } from '#shared/identity/logins/throttle';
import { checkLoginTotp } from '#shared/identity/mfa/totp-config';
import type { SessionPrincipal } from '#shared/identity/principal';
import { errors } from '#shared/platform/errors';

/**
 * Step-up: a change that a stolen access token alone must not be able to make (creating or
 * rolling a live API key) carries proof of who the caller is in the same request: their
 * password, or a current code of their enabled TOTP configuration. A wrong one counts as a
 * failed sign-in in the login throttle and is audited as one (`login.failed`), exactly as a
 * password confirmed to change TOTP is, so a token does not make either guessable; once the
 * throttle refuses, a right one is refused too (429).
 */
export interface StepUpProof {
  password?: string;
  totpCode?: string;
}

/** Where the request carries each proof: the body paths that errors point at. */
export interface StepUpFields {
  password: string;
  totpCode: string;
}

export async function requireStepUp(
  principal: SessionPrincipal,
  proof: StepUpProof,
  source: { ip: string; userAgent?: string },
  fields: StepUpFields,
  why: string,
): Promise<void> {
  if (proof.password !== undefined && proof.totpCode !== undefined) {
    const message = `Send ${fields.password} or ${fields.totpCode}, not both.`;
    throw errors.invalidParams([{ param: fields.totpCode, message, in: 'body' }]);
  }
  if (proof.password !== undefined) {
    await confirmPassword(principal, proof.password, source, fields.password);
    return;
  }
  if (proof.totpCode !== undefined) {
    await confirmTotpCode(principal, proof.totpCode, source, fields);
    return;
  }
  throw errors.stepUpRequired(`${why} needs your password (${fields.password}) or, with TOTP enabled, a current code (${fields.totpCode}) in the same request.`);
}

/**
 * A TOTP code as proof: accepted once (a code of a step, or of an earlier one, never passes
 * again, as at sign-in). A person without TOTP enabled has no code to send: step-up is still
 * required (their password), and nothing is counted, as no guess was possible.
 */
async function confirmTotpCode(
  principal: SessionPrincipal,
  code: string,
  source: { ip: string; userAgent?: string },
  fields: StepUpFields,
): Promise<void> {
  await checkLoginThrottle(principal.email, source.ip);
  const login = await ownLogin(principal);
  const outcome = await checkLoginTotp(login.login_id, code);
  if (outcome === 'accepted') return;
  if (outcome === 'not_enabled') {
    throw errors.stepUpRequired(`You have no TOTP enabled, so no code proves who you are: send your password (${fields.password}).`);
  }
  await recordFailedSignIn(principal.email, principal, source, 'totp_refused');
  throw errors.stepUpTotpRefused(fields.totpCode);
}
