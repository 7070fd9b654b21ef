import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures for receivers: `osma-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<raw body>">`, keyed with the whole secret string. The scheme, the parsing, the failures
 * and their order are those of Stripe's `webhooks.constructEvent`, so a receiver may use either
 * helper. The platform's signer (shared/api/webhooks/signing.ts) writes the same bytes; this file
 * cannot import it, since the SDK is published on its own.
 */
export const DEFAULT_TOLERANCE_SECONDS = 300;
export const SIGNATURE_HEADER = 'osma-signature';
const SCHEME = 'v1';

export class OsmaSignatureVerificationError extends Error {
  override readonly name = 'OsmaSignatureVerificationError';
  readonly type = 'OsmaSignatureVerificationError';
  constructor(
    message: string,
    readonly header: string | undefined,
    readonly payload: string | undefined,
  ) {
    super(message);
  }
}

export interface WebhookEvent<T = Record<string, unknown>> {
  id: string;
  event: string;
  created_at: string;
  data: T;
}

/** `whsec_` + base64 of 32 random bytes: the form the platform gives its endpoints. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The `osma-signature` value for a body: one v1 per secret, the first one current. */
export function signPayload(body: string, secret: string | readonly string[], timestamp = Math.floor(Date.now() / 1000)): string {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  return [`t=${timestamp}`, ...secrets.map((one) => `${SCHEME}=${hmac(`${timestamp}.${body}`, one)}`)].join(',');
}

/**
 * Verifies the header over the raw body and returns the parsed event. A tolerance of 0 skips the
 * age check; as with Stripe, only an old timestamp fails it (a clock ahead does not).
 */
export function constructEvent<T = Record<string, unknown>>(
  rawBody: string | Uint8Array,
  signatureHeader: string | Uint8Array | undefined | null,
  secret: string,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
  now: number = Date.now(),
): WebhookEvent<T> {
  const payload = typeof rawBody === 'string' ? rawBody : new TextDecoder('utf8').decode(rawBody);
  verifyHeader(payload, signatureHeader, secret, toleranceSeconds, now);
  return JSON.parse(payload) as WebhookEvent<T>;
}

export function verifyHeader(
  payload: string,
  signatureHeader: string | Uint8Array | undefined | null,
  secret: string,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
  now: number = Date.now(),
): true {
  if (!payload) throw new OsmaSignatureVerificationError('No webhook payload was provided.', undefined, payload);
  if (signatureHeader == null || signatureHeader === '' || (signatureHeader instanceof Uint8Array && signatureHeader.length === 0)) {
    throw new OsmaSignatureVerificationError('No osma-signature header value was provided.', undefined, payload);
  }
  const header = typeof signatureHeader === 'string' ? signatureHeader : new TextDecoder('utf8').decode(signatureHeader);
  const { timestamp, signatures } = parseHeader(header);
  if (timestamp === -1 || Number.isNaN(timestamp)) {
    throw new OsmaSignatureVerificationError('Unable to extract timestamp and signatures from header', header, payload);
  }
  if (!signatures.length) throw new OsmaSignatureVerificationError('No signatures found with expected scheme', header, payload);
  if (!secret || !secret.trim()) {
    throw new OsmaSignatureVerificationError('No webhook secret value was provided. It should start with `whsec_`', header, payload);
  }
  const expected = Buffer.from(hmac(`${timestamp}.${payload}`, secret));
  // Every candidate is compared, so the time taken does not say which one matched.
  const found = signatures.map((candidate) => constantTimeEqual(Buffer.from(candidate), expected)).some(Boolean);
  if (!found) {
    const whitespace = /\s/.test(secret) ? ' The signing secret contains whitespace: an extra newline or space is often the cause.' : '';
    throw new OsmaSignatureVerificationError(
      'No signatures found matching the expected signature for payload. Are you passing the raw request body you received from Osma? ' +
        'A forwarding tool must keep the exact body, including JSON formatting and line endings.' +
        whitespace,
      header,
      payload,
    );
  }
  const age = Math.floor(now / 1000) - timestamp;
  if (toleranceSeconds > 0 && age > toleranceSeconds) {
    throw new OsmaSignatureVerificationError('Timestamp outside the tolerance zone', header, payload);
  }
  return true;
}

/** Stripe's parse: comma-separated `key=value` items; the last `t` wins; every `v1` is a candidate. */
function parseHeader(header: string): { timestamp: number; signatures: string[] } {
  let timestamp = -1;
  const signatures: string[] = [];
  for (const item of header.split(',')) {
    const [key, value = ''] = item.split('=');
    if (key === 't') timestamp = parseInt(value, 10);
    if (key === SCHEME) signatures.push(value);
  }
  return { timestamp, signatures };
}

function hmac(content: string, secret: string): string {
  return createHmac('sha256', secret).update(content, 'utf8').digest('hex');
}

function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
