import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootSecretsFromFileText } from '#shared/platform/secrets';

/**
 * The local stand-in for the root secret AWS keeps in Secrets Manager: a file in the data dir,
 * made on the first start with 32 random bytes (base64url, readable by its owner only) and
 * kept, so that a restart still verifies the tokens and decrypts the secrets it made. A stack
 * without a data dir keeps nothing, so its file is made in a fresh temporary folder and removed
 * when it stops. The handlers find it through OSMA_SECRET_FILE, honoured only in this process.
 */
export const ROOT_SECRET_FILE = 'root-secret';

export async function prepareRootSecret(dataDir: string | undefined): Promise<{ file: string; remove: () => Promise<void> }> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'osma-secret-'));
  const file = join(dir, ROOT_SECRET_FILE);
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // A file edited by hand (a rotation drill) that the handlers could not read stops the start here.
  await rootSecretsFromFileText(readFileSync(file, 'utf8'), file);
  const remove = async () => {
    if (!dataDir) rmSync(dir, { recursive: true, force: true });
  };
  return { file, remove };
}
