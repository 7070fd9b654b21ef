import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashes: scrypt from `node:crypto` (no native module), with its parameters stored
 * in the hash, so that raising the cost later leaves every older hash verifiable and
 * `needsRehash` says which ones to upgrade at their next successful login.
 *
 *   scrypt$<N>$<r>$<p>$<salt>$<key>      salt and key in base64url, without padding
 *
 * The password is normalized to Unicode NFKC before hashing, so that the same characters
 * typed on two keyboards (composed or decomposed accents, full-width forms) give the same
 * hash. That choice is part of the `scrypt` scheme: changing it would need a new scheme name.
 *
 * docs/passwords.md says why these parameters and what a hash costs.
 */
export interface ScryptParameters {
  /** CPU and memory cost, a power of two. */
  N: number;
  /** Block size: memory is 128 * r * N bytes. */
  r: number;
  /** Parallelism: OpenSSL runs the lanes one after the other, in the same memory. */
  p: number;
  /** Bytes of derived key kept in the hash. */
  keyLength: number;
}

/** 32 MiB, and about 65 ms on one core of an AMD EPYC: docs/passwords.md has the measurements and the reasons. */
export const CURRENT_PARAMETERS: Readonly<ScryptParameters> = Object.freeze({ N: 2 ** 15, r: 8, p: 1, keyLength: 32 });
export const SALT_BYTES = 16;

const SCHEME = 'scrypt';

/**
 * What a stored hash may ask for. Verifying costs what the string says, so a string beyond
 * these bounds (a corrupted or tampered item) is refused, at the dummy's cost, rather than
 * computed: it could otherwise ask for gigabytes or minutes.
 */
const BOUNDS = {
  N: { min: 2 ** 10, max: 2 ** 20 },
  r: { min: 1, max: 32 },
  p: { min: 1, max: 16 },
  keyLength: { min: 16, max: 64 },
  saltBytes: { min: 8, max: 64 },
  memoryBytes: 256 * 1024 * 1024,
} as const;

const WHOLE_NUMBER = /^[1-9][0-9]{0,9}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

interface ParsedHash {
  parameters: ScryptParameters;
  salt: Buffer;
  key: Buffer;
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(password, salt, CURRENT_PARAMETERS);
  return formatHash({ parameters: CURRENT_PARAMETERS, salt, key });
}

/**
 * Whether `password` is the one `stored` was made from, with the parameters `stored` names.
 * Every call costs one derivation: with no `stored` (no such account) or a malformed one, the
 * dummy hash's, and the answer is false. So a login calls it once whatever it found, and an
 * unknown email costs what a wrong password costs. A malformed or out-of-bounds `stored` is
 * false, never an exception: a login must answer 401, not 500, whatever the item holds.
 * The keys are compared in constant time.
 */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const parsed = parseHash(stored) ?? DUMMY;
  const key = await deriveKey(password, parsed.salt, parsed.parameters);
  return timingSafeEqual(key, parsed.key) && parsed !== DUMMY;
}

/** True when `stored` was not made with today's parameters (or cannot be read at all). */
export function needsRehash(stored: string): boolean {
  const parsed = parseHash(stored);
  if (!parsed) return true;
  const { parameters, salt } = parsed;
  return (
    parameters.N !== CURRENT_PARAMETERS.N ||
    parameters.r !== CURRENT_PARAMETERS.r ||
    parameters.p !== CURRENT_PARAMETERS.p ||
    parameters.keyLength !== CURRENT_PARAMETERS.keyLength ||
    salt.length !== SALT_BYTES
  );
}

/**
 * A hash with today's parameters of a random password that was thrown away: no password
 * verifies against it. `dummyVerify` spends on it the time a real verification spends, so
 * that a login for an email that has no account costs what a wrong password costs. It is a
 * constant rather than computed at start-up so that no first call pays for making it; a unit
 * test fails when CURRENT_PARAMETERS change and it is not remade.
 */
export const DUMMY_HASH = 'scrypt$32768$8$1$q8LMpqu3rsbASnVSnWp0dQ$2Cni6F7se5AEA5NNxLfWEEUH53PfQlau-R8L0eq7Tn0';

const DUMMY = parseHash(DUMMY_HASH)!;

/** Costs one verification with today's parameters, and is always false: `verifyPassword(password, undefined)`. */
export async function dummyVerify(password: string): Promise<false> {
  await verifyPassword(password, undefined);
  return false;
}

function deriveKey(password: string, salt: Buffer, { N, r, p, keyLength }: ScryptParameters): Promise<Buffer> {
  // OpenSSL needs exactly this much; Node's default ceiling (32 MiB) is just short of N = 2^15, r = 8.
  const maxmem = scryptMemoryBytes({ N, r, p });
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyLength, { N, r, p, maxmem }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** What OpenSSL's scrypt allocates: the V array of N + 2 blocks and p blocks of B. */
export function scryptMemoryBytes({ N, r, p }: Pick<ScryptParameters, 'N' | 'r' | 'p'>): number {
  return 128 * r * (N + p + 2);
}

function formatHash({ parameters: { N, r, p }, salt, key }: ParsedHash): string {
  return [SCHEME, N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

function parseHash(stored: unknown): ParsedHash | undefined {
  if (typeof stored !== 'string') return undefined;
  const fields = stored.split('$');
  if (fields.length !== 6) return undefined;
  const [scheme, n, r, p, salt, key] = fields as [string, string, string, string, string, string];
  if (scheme !== SCHEME || ![n, r, p].every((field) => WHOLE_NUMBER.test(field))) return undefined;
  if (!BASE64URL.test(salt) || !BASE64URL.test(key)) return undefined;
  const saltBytes = Buffer.from(salt, 'base64url');
  const keyBytes = Buffer.from(key, 'base64url');
  // A base64url string that does not re-encode to itself has stray bits: not one we wrote.
  if (saltBytes.toString('base64url') !== salt || keyBytes.toString('base64url') !== key) return undefined;
  const parameters: ScryptParameters = { N: Number(n), r: Number(r), p: Number(p), keyLength: keyBytes.length };
  if (!withinBounds(parameters, saltBytes.length)) return undefined;
  return { parameters, salt: saltBytes, key: keyBytes };
}

function withinBounds(parameters: ScryptParameters, saltBytes: number): boolean {
  const { N, r, p, keyLength } = parameters;
  const isPowerOfTwo = (N & (N - 1)) === 0;
  const inside = (value: number, { min, max }: { min: number; max: number }) => value >= min && value <= max;
  return (
    isPowerOfTwo &&
    inside(N, BOUNDS.N) &&
    inside(r, BOUNDS.r) &&
    inside(p, BOUNDS.p) &&
    inside(keyLength, BOUNDS.keyLength) &&
    inside(saltBytes, BOUNDS.saltBytes) &&
    scryptMemoryBytes(parameters) <= BOUNDS.memoryBytes
  );
}
