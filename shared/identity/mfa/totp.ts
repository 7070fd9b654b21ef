import { timingSafeEqual } from 'node:crypto';
import { HOTP, Secret, TOTP } from 'otpauth';

/**
 * TOTP as RFC 6238 defines it, with the parameters every authenticator app supports: HMAC-SHA-1,
 * 6 digits, 30-second steps from the Unix epoch, 20-byte secrets written in base32. A code is
 * accepted for the current step and one step either way (a phone's clock a little off, a code
 * typed as it changes). A step is the unit of replay: once a code of a step was accepted, no
 * code of that step or an earlier one is accepted again (the caller stores the step).
 */
export const TOTP_PARAMETERS = { algorithm: 'SHA1', digits: 6, period: 30, drift: 1, secretBytes: 20 } as const;

export const TOTP_ISSUER = 'Osma';

const CODE = /^[0-9]{6}$/;

export type TotpCheck = { ok: true; step: number } | { ok: false };

/** A new shared secret: 20 random bytes (160 bits, RFC 4226's recommended length), base32. */
export function newTotpSecret(): string {
  return new Secret({ size: TOTP_PARAMETERS.secretBytes }).base32;
}

/** The `otpauth://totp/Osma:<email>?secret=...&issuer=Osma&...` URI an authenticator app reads. */
export function provisioningUri(secret: string, accountEmail: string): string {
  return new TOTP({
    issuer: TOTP_ISSUER,
    label: accountEmail,
    secret: Secret.fromBase32(secret),
    algorithm: TOTP_PARAMETERS.algorithm,
    digits: TOTP_PARAMETERS.digits,
    period: TOTP_PARAMETERS.period,
  }).toString();
}

/** The time step a moment (milliseconds since the epoch) falls in. */
export function stepAt(now: number): number {
  return Math.floor(now / 1000 / TOTP_PARAMETERS.period);
}

/** The code of one step (what an authenticator app shows during it). */
export function codeAt(secret: string, step: number): string {
  return HOTP.generate({
    secret: Secret.fromBase32(secret),
    algorithm: TOTP_PARAMETERS.algorithm,
    digits: TOTP_PARAMETERS.digits,
    counter: step,
  });
}

function isWellFormed(code: unknown): code is string {
  return typeof code === 'string' && CODE.test(code);
}

function isCodeOf(secret: string, step: number, code: string): boolean {
  return timingSafeEqual(Buffer.from(codeAt(secret, step)), Buffer.from(code));
}

/**
 * Checks a code against the steps around `now`, never one at or before `lastUsedStep`. A
 * malformed code (anything but 6 ASCII digits, or not a string) is refused without an error.
 * When a code is the code of two steps in the window (one chance in a million), the later step
 * is the one returned, so that storing it leaves no step where the same code passes again.
 */
export function verifyTotp(secret: string, code: unknown, lastUsedStep: number, now: number = Date.now()): TotpCheck {
  if (!isWellFormed(code)) return { ok: false };
  const current = stepAt(now);
  for (let step = current + TOTP_PARAMETERS.drift; step >= current - TOTP_PARAMETERS.drift; step--) {
    if (step > lastUsedStep && isCodeOf(secret, step, code)) return { ok: true, step };
  }
  return { ok: false };
}

/**
 * Enabling asks for two consecutive codes (as the seed does), which shows the app's clock and
 * secret are right, not one lucky guess. The later code must pass `verifyTotp` (one step of drift
 * around `now`) and the earlier one must be the code of the step just before it: the user reads a
 * code, waits for the next, and sends both, so the earlier may be up to two steps old. The step
 * returned is the later code's; storing it burns both.
 */
export function verifyConsecutive(secret: string, codes: unknown, lastUsedStep: number, now: number = Date.now()): TotpCheck {
  if (!Array.isArray(codes) || codes.length !== 2 || !codes.every(isWellFormed)) return { ok: false };
  const [earlier, later] = codes as [string, string];
  const current = stepAt(now);
  for (let step = current + TOTP_PARAMETERS.drift; step >= current - TOTP_PARAMETERS.drift; step--) {
    if (step - 1 > lastUsedStep && isCodeOf(secret, step, later) && isCodeOf(secret, step - 1, earlier)) return { ok: true, step };
  }
  return { ok: false };
}
