import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, as pure functions. Every delivery carries two signature schemes over
 * the same raw body, so that receivers can verify with code they already have:
 *
 * - `osma-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, the scheme of
 *   Stripe's `webhooks.constructEvent`, keyed with the whole secret string;
 * - the Standard Webhooks headers `webhook-id`, `webhook-timestamp` and
 *   `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<t>.<body>">`, keyed with the
 *   base64-decoded bytes after `whsec_`.
 *
 * A secret is `whsec_` + base64 of 32 random bytes, a form both schemes accept. While a
 * rotated-away secret is still valid, each header carries one signature per secret, the
 * current one first.
 */
export const SECRET_PREFIX = 'whsec_';

export function generateSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

export function isSecret(text: string): boolean {
  return /^whsec_[A-Za-z0-9+/]{43}=$/.test(text);
}

export interface SignatureInput {
  /** The event id: Standard Webhooks' message id, the same on every retry. */
  id: string;
  /** Unix seconds. */
  timestamp: number;
  /** The raw body, exactly as sent. */
  body: string;
  /** The current secret first, then any older one still valid. */
  secrets: readonly string[];
}

export function osmaSignature({ timestamp, body, secrets }: Omit<SignatureInput, 'id'>): string {
  const signatures = secrets.map((secret) => `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
  return [`t=${timestamp}`, ...signatures].join(',');
}

export function standardSignature({ id, timestamp, body, secrets }: SignatureInput): string {
  return secrets
    .map((secret) => {
      const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
      return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
    })
    .join(' ');
}

/** Every signing header of one delivery. */
export function signatureHeaders(input: SignatureInput): Record<string, string> {
  return {
    'osma-signature': osmaSignature(input),
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': standardSignature(input),
  };
}

/** How old a signed timestamp may be before a receiver should refuse it (replays). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * Checks an `osma-signature` header the way a receiver should: one of its v1 signatures is
 * the HMAC of the body with the secret (compared in constant time), and its timestamp is
 * within the tolerance. For receivers written in TypeScript and for our own tests.
 */
export function verifyOsmaSignature(
  header: string,
  body: string,
  secret: string,
  options: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const [name, value] = part.split('=', 2) as [string, string | undefined];
    if (name.trim() === 't' && value && /^\d+$/.test(value)) timestamp = Number(value);
    if (name.trim() === 'v1' && value) candidates.push(value.trim());
  }
  if (timestamp === undefined || Math.abs(now - timestamp) > tolerance) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex'));
  return candidates.some((candidate) => constantTimeEqual(Buffer.from(candidate), expected));
}

/** Equal-length buffers compared in constant time; different lengths are simply unequal. */
export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
