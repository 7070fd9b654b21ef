import { hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { prepareRootSecret, ROOT_SECRET_FILE } from '#local/root-secret';
import { markLocalStack } from '#shared/platform/config';
import {
  currentSecretKey,
  decryptSecret,
  encryptSecret,
  rootSecret,
  secretKey,
  secretKeyById,
} from '#shared/platform/secrets';

const dir = mkdtempSync(join(tmpdir(), 'osma-secrets-test-'));
const rootA = randomBytes(32).toString('base64url');
const rootB = randomBytes(32).toString('base64url');

/** Points this process (marked as the local stack) at a root secret file with these lines. */
function useRootFile(name: string, ...lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  process.env.OSMA_SECRET_FILE = file;
  return file;
}

beforeAll(() => markLocalStack());
beforeEach(() => {
  useRootFile('a', rootA);
});
afterAll(() => {
  delete process.env.OSMA_SECRET_FILE;
  rmSync(dir, { recursive: true, force: true });
});

describe('derived keys', () => {
  it('are 32 bytes of HKDF-SHA256 of the root, one per purpose, the same on every call', async () => {
    const access = await secretKey('access-token');
    const stored = await secretKey('stored-secret');
    expect(access).toHaveLength(32);
    expect(Buffer.from(access).equals(Buffer.from(stored))).toBe(false);
    expect(Buffer.from(await secretKey('access-token')).equals(Buffer.from(access))).toBe(true);
    // Pinned: changing the derivation would make every stored secret unreadable.
    const expected = Buffer.from(hkdfSync('sha256', Buffer.from(rootA), 'osma-platform', 'osma/access-token/v1', 32));
    expect(Buffer.from(access).equals(expected)).toBe(true);
  });

  it('differ from one root to another, and are found by the root id', async () => {
    const underA = await currentSecretKey('access-token');
    useRootFile('b', rootB);
    const underB = await currentSecretKey('access-token');
    expect(underB.id).not.toBe(underA.id);
    expect(Buffer.from(underB.key).equals(Buffer.from(underA.key))).toBe(false);
    expect(await secretKeyById('access-token', underB.id)).toEqual(underB.key);
    expect(await secretKeyById('access-token', underA.id)).toBeUndefined();
    expect(await secretKeyById('access-token', 'nope')).toBeUndefined();
  });

  it('sign and verify an HS256 access token with jose, the root id as its kid', async () => {
    const { id, key } = await currentSecretKey('access-token');
    const token = await new SignJWT({ sid: 'ses_1' }).setProtectedHeader({ alg: 'HS256', kid: id }).setSubject('usr_1').setExpirationTime('15m').sign(key);
    const { kid } = decodeProtectedHeader(token);
    const verifyKey = await secretKeyById('access-token', kid!);
    const { payload } = await jwtVerify(token, verifyKey!, { algorithms: ['HS256'] });
    expect(payload).toMatchObject({ sub: 'usr_1', sid: 'ses_1' });
    await expect(jwtVerify(token, await secretKey('stored-secret'), { algorithms: ['HS256'] })).rejects.toThrow();
  });
});

describe('encrypted secrets', () => {
  const context = 'totp:idn_1:totp_1';

  it('decrypt to what was encrypted, under a fresh nonce each time, in the versioned format', async () => {
    const plaintext = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ · ünïcode';
    const one = await encryptSecret(plaintext, context);
    const two = await encryptSecret(plaintext, context);
    expect(one).not.toBe(two);
    const { id } = await currentSecretKey('stored-secret');
    const fields = one.split('.');
    expect(fields).toHaveLength(5);
    expect(fields.slice(0, 2)).toEqual(['v1', id]);
    expect(Buffer.from(fields[2]!, 'base64url')).toHaveLength(12);
    expect(Buffer.from(fields[4]!, 'base64url')).toHaveLength(16);
    expect(one).not.toContain(plaintext.slice(0, 8));
    expect(await decryptSecret(one, context)).toBe(plaintext);
    expect(await decryptSecret(two, context)).toBe(plaintext);
    expect(await decryptSecret(await encryptSecret('', context), context)).toBe('');
  });

  it('do not decrypt in another context (copied to another item)', async () => {
    const encrypted = await encryptSecret('secret', context);
    for (const other of ['totp:idn_1:totp_2', 'totp:idn_2:totp_1', `${context} `, 'x']) {
      await expect(decryptSecret(encrypted, other), other).rejects.toThrow(/another context or was altered/);
    }
  });

  it('do not decrypt when any part was altered, and never name the ciphertext', async () => {
    const encrypted = await encryptSecret('secret', context);
    const fields = encrypted.split('.');
    const flip = (text: string) => {
      const bytes = Buffer.from(text, 'base64url');
      bytes[0] = bytes[0]! ^ 1;
      return bytes.toString('base64url');
    };
    const altered = [2, 3, 4].map((index) => fields.map((field, i) => (i === index ? flip(field) : field)).join('.'));
    altered.push(fields.map((field, i) => (i === 4 ? field.slice(0, -2) : field)).join('.'));
    for (const text of altered) {
      const error = await decryptSecret(text, context).catch((caught: Error) => caught);
      expect(error, text).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/another context or was altered/);
      expect((error as Error).message).not.toContain(fields[3]);
    }
    const wrongShape = [
      `v2.${fields.slice(1).join('.')}`,
      fields.slice(0, 4).join('.'),
      `${encrypted}.x`,
      '',
      'not encrypted',
    ];
    for (const text of wrongShape) await expect(decryptSecret(text, context), text).rejects.toThrow(/format/);
    await expect(decryptSecret(['v1', 'AAAAAAAA', ...fields.slice(2)].join('.'), context)).rejects.toThrow(/neither the current nor the previous root/);
  });

  it('need a context', async () => {
    await expect(encryptSecret('secret', '')).rejects.toThrow(/context/);
  });
});

describe('rotation', () => {
  it('decrypts under the previous root, encrypts under the new one, and forgets a root that was dropped', async () => {
    const underA = await encryptSecret('old secret', 'c');
    const oldToken = await currentSecretKey('access-token');
    useRootFile('b-then-a', rootB, rootA);
    expect(await decryptSecret(underA, 'c')).toBe('old secret');
    expect(await secretKeyById('access-token', oldToken.id)).toEqual(oldToken.key);
    const underB = await encryptSecret('new secret', 'c');
    expect(underB.split('.')[1]).not.toBe(underA.split('.')[1]);
    useRootFile('b-only', rootB);
    expect(await decryptSecret(underB, 'c')).toBe('new secret');
    await expect(decryptSecret(underA, 'c')).rejects.toThrow(/neither the current nor the previous root/);
  });
});

describe('the root secret file', () => {
  it('must hold one or two roots of at least 32 characters', async () => {
    for (const lines of [['short'], [rootA, rootB, rootA], [], [`${rootA.slice(0, 16)} ${rootA.slice(16)}`]]) {
      useRootFile(`bad-${lines.length}-${lines[0]?.length}`, ...lines);
      await expect(secretKey('access-token'), JSON.stringify(lines)).rejects.toThrow(/root secret/);
    }
    await expect(rootSecret('x'.repeat(31), 'here')).rejects.toThrow(/at least 32 characters/);
    expect((await rootSecret(` ${'x'.repeat(32)}\n`, 'here')).material.toString()).toBe('x'.repeat(32));
  });

  it('is read again after a failed read', async () => {
    const file = join(dir, 'appears-later');
    process.env.OSMA_SECRET_FILE = file;
    await expect(secretKey('access-token')).rejects.toThrow(/ENOENT/);
    writeFileSync(file, rootA);
    expect(await secretKey('access-token')).toHaveLength(32);
  });

  it('is made once by the local stack in its data dir, 32 random bytes readable by its owner only', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'osma-data-'));
    try {
      const first = await prepareRootSecret(dataDir);
      expect(first.file).toBe(join(dataDir, ROOT_SECRET_FILE));
      const text = readFileSync(first.file, 'utf8');
      expect(Buffer.from(text.trim(), 'base64url')).toHaveLength(32);
      expect(statSync(first.file).mode & 0o777).toBe(0o600);
      const again = await prepareRootSecret(dataDir);
      expect(readFileSync(again.file, 'utf8')).toBe(text);
      await again.remove();
      expect(existsSync(first.file)).toBe(true);
      writeFileSync(first.file, 'too short');
      await expect(prepareRootSecret(dataDir)).rejects.toThrow(/root secret/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('lives in a temporary folder, removed at stop, for a stack without a data dir', async () => {
    const one = await prepareRootSecret(undefined);
    const two = await prepareRootSecret(undefined);
    expect(one.file).not.toBe(two.file);
    expect(readFileSync(one.file, 'utf8')).not.toBe(readFileSync(two.file, 'utf8'));
    await one.remove();
    await two.remove();
    expect(existsSync(one.file) || existsSync(two.file)).toBe(false);
  });
});

describe('outside the local stack', () => {
  it('ignores OSMA_SECRET_FILE and needs OSMA_SECRET_ARN', async () => {
    vi.resetModules();
    const fresh = await import('#shared/platform/secrets');
    await expect(fresh.secretKey('access-token')).rejects.toThrow('OSMA_SECRET_ARN is not set');
  });

  describe('reads the root from Secrets Manager, with its previous version after a rotation', () => {
    const versions: Record<string, string> = {};
    const requests: { stage: string; secretId: string }[] = [];
    let server: Server;
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:osma-root-AbCdEf';
    const saved = { ...process.env };

    beforeAll(async () => {
      // The service's JSON protocol, as much of it as GetSecretValue uses.
      server = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk) => (body += chunk));
        request.on('end', () => {
          const input = JSON.parse(body) as { SecretId: string; VersionStage: string };
          requests.push({ stage: input.VersionStage, secretId: input.SecretId });
          const value = input.SecretId === arn ? versions[input.VersionStage] : undefined;
          response.setHeader('content-type', 'application/x-amz-json-1.1');
          if (value === undefined) {
            response.statusCode = 400;
            response.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: 'not found' }));
          } else {
            response.end(JSON.stringify({ ARN: arn, Name: 'osma-root', SecretString: value, VersionStages: [input.VersionStage] }));
          }
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address() as { port: number };
      Object.assign(process.env, {
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${address.port}`,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        OSMA_SECRET_ARN: arn,
      });
    });
    afterAll(async () => {
      process.env = saved;
      await new Promise((resolve) => server.close(resolve));
    });

    it('once per cold start, and the previous root decrypts what it made', async () => {
      versions.AWSCURRENT = rootA;
      vi.resetModules();
      const beforeRotation = await import('#shared/platform/secrets');
      const underA = await beforeRotation.encryptSecret('made before', 'c');
      await beforeRotation.encryptSecret('again', 'c');
      // Both stages, in parallel, for the first use only.
      expect(requests.map((request) => `${request.secretId} ${request.stage}`).sort()).toEqual([`${arn} AWSCURRENT`, `${arn} AWSPREVIOUS`]);

      versions.AWSCURRENT = rootB;
      versions.AWSPREVIOUS = rootA;
      vi.resetModules();
      const afterRotation = await import('#shared/platform/secrets');
      expect(await afterRotation.decryptSecret(underA, 'c')).toBe('made before');
      const underB = await afterRotation.encryptSecret('made after', 'c');
      expect(underB.split('.')[1]).toBe((await rootSecret(rootB, 'b')).id);
      expect(requests).toHaveLength(4);
    });

    it('refuses a value too short to be a root', async () => {
      versions.AWSCURRENT = 'short';
      delete versions.AWSPREVIOUS;
      vi.resetModules();
      const fresh = await import('#shared/platform/secrets');
      await expect(fresh.secretKey('access-token')).rejects.toThrow(/AWSCURRENT value of arn:aws:secretsmanager.* at least 32 characters/);
    });
  });
});
