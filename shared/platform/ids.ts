import { randomBytes } from 'node:crypto';

/**
 * Object ids are a prefix plus a KSUID: 4 bytes of seconds since the KSUID epoch and a
 * 16-byte payload, encoded as 27 base62 characters that sort like the bytes.
 *
 * The KSUID format leaves the payload's content to the generator. We spend its first two
 * bytes on the millisecond within the second and the next two on a per-process counter,
 * and keep 96 random bits, so that ids made by one process sort in creation order even
 * within one second. A list is then one Query on the id, newest first, with no other sort key.
 */
const KSUID_EPOCH_SECONDS = 1_400_000_000;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KSUID_LENGTH = 27;

export const ID_PREFIXES = {
  member: 'mem',
  task: 'task',
  taskTemplate: 'tmpl',
  user: 'usr',
  organization: 'org',
  event: 'evt',
  webhookEndpoint: 'we',
  file: 'file',
  login: 'lgn',
  session: 'ses',
  mail: 'mail',
  auditEvent: 'aud',
  totp: 'totp',
  role: 'role',
  invitation: 'inv',
  transition: 'trn',
  apiKey: 'key',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

let lastMillis = 0;
let counter = 0;

export function ksuid(now: number = Date.now()): string {
  if (now === lastMillis) {
    counter = (counter + 1) & 0xffff;
  } else {
    lastMillis = now;
    counter = 0;
  }
  const bytes = Buffer.alloc(20);
  bytes.writeUInt32BE(Math.floor(now / 1000) - KSUID_EPOCH_SECONDS, 0);
  bytes.writeUInt16BE(now % 1000, 4);
  bytes.writeUInt16BE(counter, 6);
  randomBytes(12).copy(bytes, 8);
  return toBase62(bytes, KSUID_LENGTH);
}

export function newId(kind: IdKind, now?: number): string {
  return `${ID_PREFIXES[kind]}_${ksuid(now)}`;
}

/**
 * The smallest id of this kind that can be made at this millisecond: every id made then or
 * later sorts at or after it, every id made before sorts before it. A time range on a list
 * sorted by id is then a range of ids (`idFloor(from) <= id < idFloor(to)`).
 */
export function idFloor(kind: IdKind, millis: number): string {
  const bytes = Buffer.alloc(20);
  const seconds = Math.floor(millis / 1000) - KSUID_EPOCH_SECONDS;
  // Before the KSUID epoch every id is later; past its last second (year 2150) every id is earlier.
  if (seconds < 0) return `${ID_PREFIXES[kind]}_${'0'.repeat(KSUID_LENGTH)}`;
  if (seconds > 0xffffffff) return `${ID_PREFIXES[kind]}_${'z'.repeat(KSUID_LENGTH)}`;
  bytes.writeUInt32BE(seconds, 0);
  bytes.writeUInt16BE(Math.floor(millis) % 1000, 4);
  return `${ID_PREFIXES[kind]}_${toBase62(bytes, KSUID_LENGTH)}`;
}

/** True when the text has the shape of an id of this kind: a cheap guard before any read. */
export function isId(kind: IdKind, text: string): boolean {
  const prefix = `${ID_PREFIXES[kind]}_`;
  return (
    text.length === prefix.length + KSUID_LENGTH &&
    text.startsWith(prefix) &&
    /^[0-9A-Za-z]+$/.test(text.slice(prefix.length))
  );
}

/**
 * Every id of this kind as an IAM `StringLike` pattern: the prefix and one `?` per KSUID
 * character, so it matches an id and nothing longer (a `*` would also match `<id>#...`).
 */
export function idPattern(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${'?'.repeat(KSUID_LENGTH)}`;
}

/** Random base62 text, for secrets such as API keys (27 characters carry about 160 bits). */
export function randomBase62(length: number): string {
  // Rejection sampling keeps every character equally likely.
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

function toBase62(bytes: Buffer, length: number): string {
  let value = BigInt(`0x${bytes.toString('hex')}`);
  let out = '';
  while (value > 0n) {
    out = BASE62[Number(value % 62n)] + out;
    value /= 62n;
  }
  return out.padStart(length, '0');
}
