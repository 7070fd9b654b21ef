import { createCipheriv, createDecipheriv, hkdf, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { isLocalStack, optionalSetting, requiredSetting } from '#shared/platform/config';

/**
 * The platform's root secret, and the keys made from it.
 *
 * One root secret per stage, read once per cold start: in AWS from Secrets Manager
 * (OSMA_SECRET_ARN; its AWSCURRENT version, and its AWSPREVIOUS version when there is one),
 * locally from the file the local stack generates in its data dir (OSMA_SECRET_FILE, honoured
 * only in the local stack's process, so no deployed function can be pointed at a file). No
 * code uses the root itself: each use gets its own key, derived with HKDF-SHA256 and the
 * purpose's name, so a key of one purpose says nothing about another's.
 *
 * Every root has a short id (derived too, so it reveals nothing) that goes with what was made
 * under it: the `kid` of a signed token, the second field of an encrypted secret. After a
 * rotation the previous root still verifies and decrypts what it made, until it is dropped.
 */
export const KEY_PURPOSES = ['access-token', 'stored-secret'] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];

/** A root secret is text of at least this many characters (a generated one has 256 random bits). */
export const MIN_ROOT_SECRET_LENGTH = 32;

/** The most often an unknown key id makes us read the roots again (a rotation seen by a warm function). */
export const ROOT_RELOAD_INTERVAL_MS = 5 * 60 * 1000;

export interface RootSecret {
  id: string;
  material: Buffer;
}

export interface RootSecrets {
  current: RootSecret;
  previous?: RootSecret;
}

const HKDF_SALT = 'osma-platform';
const KEY_BYTES = 32;

/** The key of one purpose under one root: 32 bytes from HKDF-SHA256. */
export async function deriveKey(material: Buffer, purpose: KeyPurpose | 'root-id'): Promise<Uint8Array> {
  const info = `osma/${purpose}/v1`;
  return new Promise((resolve, reject) =>
    hkdf('sha256', material, HKDF_SALT, info, KEY_BYTES, (error, key) => (error ? reject(error) : resolve(new Uint8Array(key)))),
  );
}

/** A root as its text gives it: the UTF-8 bytes of the trimmed text, and an id derived from them. */
export async function rootSecret(text: string, where: string): Promise<RootSecret> {
  const trimmed = text.trim();
  if (trimmed.length < MIN_ROOT_SECRET_LENGTH || /\s/.test(trimmed)) {
    throw new Error(`${where} must hold a root secret of at least ${MIN_ROOT_SECRET_LENGTH} characters without spaces`);
  }
  const material = Buffer.from(trimmed, 'utf8');
  const id = Buffer.from(await deriveKey(material, 'root-id')).subarray(0, 6).toString('base64url');
  return { id, material };
}

/**
 * The local file: the current root on its first line and, after a rotation, the previous one
 * on the second. Empty lines are ignored.
 */
export async function rootSecretsFromFileText(text: string, file: string): Promise<RootSecrets> {
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
  if (lines.length < 1 || lines.length > 2) {
    throw new Error(`${file} must hold the current root secret on its first line and at most a previous one on the second`);
  }
  const [current, previous] = await Promise.all(lines.map((line) => rootSecret(line, file)));
  return { current: current!, ...(previous && { previous }) };
}

interface RootSource {
  /** What the roots are read from; a different source (a test, a changed setting) is read afresh. */
  name: string;
  load: () => Promise<RootSecrets>;
}

/** OSMA_SECRET_FILE in the local stack's process; OSMA_SECRET_ARN everywhere else. */
function rootSource(): RootSource {
  const file = isLocalStack() ? optionalSetting('OSMA_SECRET_FILE') : undefined;
  if (file) return { name: `file:${file}`, load: async () => rootSecretsFromFileText(await readFile(file, 'utf8'), file) };
  const arn = requiredSetting('OSMA_SECRET_ARN');
  return { name: `arn:${arn}`, load: () => rootSecretsFromSecretsManager(arn) };
}

let secretsManager: SecretsManagerClient | undefined;

async function rootSecretsFromSecretsManager(arn: string): Promise<RootSecrets> {
  secretsManager ??= new SecretsManagerClient({});
  const client = secretsManager;
  const read = async (stage: 'AWSCURRENT' | 'AWSPREVIOUS') => {
    try {
      const answer = await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: stage }));
      const text = answer.SecretString ?? (answer.SecretBinary && Buffer.from(answer.SecretBinary).toString('utf8'));
      return text === undefined ? undefined : rootSecret(text, `The ${stage} value of ${arn}`);
    } catch (error) {
      // A secret that was never rotated has no previous version.
      if (stage === 'AWSPREVIOUS' && (error as Error).name === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  };
  const [current, previous] = await Promise.all([read('AWSCURRENT'), read('AWSPREVIOUS')]);
  if (!current) throw new Error(`${arn} has no value`);
  return { current, ...(previous && previous.id !== current.id && { previous }) };
}

let cached: { source: string; roots: Promise<RootSecrets>; loadedAt: number } | undefined;

/** The roots, read once per process (per source); a failed read is not kept, so the next call tries again. */
async function rootSecrets(): Promise<RootSecrets> {
  const source = rootSource();
  if (cached?.source !== source.name) {
    const entry = { source: source.name, roots: source.load(), loadedAt: Date.now() };
    cached = entry;
    entry.roots.catch(() => {
      if (cached === entry) cached = undefined;
    });
  }
  return cached.roots;
}

/** The root with this id, reading the roots again (at most every ROOT_RELOAD_INTERVAL_MS) when it is not known. */
async function rootById(id: string): Promise<RootSecret | undefined> {
  const find = (roots: RootSecrets) => [roots.current, roots.previous].find((root) => root?.id === id);
  const known = find(await rootSecrets());
  if (known || !cached || Date.now() - cached.loadedAt < ROOT_RELOAD_INTERVAL_MS) return known;
  cached = undefined;
  return find(await rootSecrets());
}

const derived = new Map<string, Promise<Uint8Array>>();

function keyOf(root: RootSecret, purpose: KeyPurpose): Promise<Uint8Array> {
  const name = `${root.id}/${purpose}`;
  let key = derived.get(name);
  if (!key) {
    key = deriveKey(root.material, purpose);
    derived.set(name, key);
  }
  return key;
}

/** The current key of a purpose, e.g. `secretKey('access-token')` for signing HS256 tokens. */
export async function secretKey(purpose: KeyPurpose): Promise<Uint8Array> {
  return (await currentSecretKey(purpose)).key;
}

/** The current key of a purpose with its root's id, to put in what it makes (a token's `kid`). */
export async function currentSecretKey(purpose: KeyPurpose): Promise<{ id: string; key: Uint8Array }> {
  const { current } = await rootSecrets();
  return { id: current.id, key: await keyOf(current, purpose) };
}

/** The key of a purpose under the root with this id (current or previous), or undefined when no root has it. */
export async function secretKeyById(purpose: KeyPurpose, id: string): Promise<Uint8Array | undefined> {
  const root = await rootById(id);
  return root && keyOf(root, purpose);
}

/**
 * Encrypted secrets: `v1.<root id>.<nonce>.<ciphertext>.<tag>`, base64url fields. AES-256-GCM
 * with the 'stored-secret' key, a random 96-bit nonce, and as associated data the version, the
 * root id and the caller's context (what the secret belongs to, e.g. `totp:<login>:<config>`),
 * so a ciphertext copied to another item, or altered in any byte, does not decrypt.
 */
const FORMAT_VERSION = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

function associatedData(rootId: string, context: string): Buffer {
  if (!context) throw new Error('An encrypted secret needs a context');
  return Buffer.from(`osma-secret/${FORMAT_VERSION}/${rootId}/${context}`, 'utf8');
}

export async function encryptSecret(plaintext: string, context: string): Promise<string> {
  const { id, key } = await currentSecretKey('stored-secret');
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(id, context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [FORMAT_VERSION, id, nonce, ciphertext, cipher.getAuthTag()]
    .map((field) => (typeof field === 'string' ? field : field.toString('base64url')))
    .join('.');
}

/** The plaintext; throws (without the ciphertext in the message) for a wrong context, an altered text or an unknown root. */
export async function decryptSecret(encrypted: string, context: string): Promise<string> {
  const [version, rootId, nonce, ciphertext, tag, ...rest] = encrypted.split('.');
  if (version !== FORMAT_VERSION || !rootId || !nonce || ciphertext === undefined || !tag || rest.length) {
    throw new Error('A stored secret is not in a format this version reads');
  }
  const key = await secretKeyById('stored-secret', rootId);
  if (!key) throw new Error(`A stored secret was encrypted under root ${rootId}, which is neither the current nor the previous root`);
  const aad = associatedData(rootId, context);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new Error('A stored secret does not decrypt: it belongs to another context or was altered');
  }
}
