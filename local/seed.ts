import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as z from 'zod';
import { normalizeEmail } from '#shared/identity/logins/keys';
import { createOwner, setPassword } from '#shared/identity/logins/owner';
import { passwordProblems } from '#shared/identity/passwords/policy';
import { join } from 'node:path';
import { generateApiKey, modeOfKey, storeApiKey } from '#shared/identity/api-keys/api-key';
import { createOrganization, getOrganization } from '#shared/identity/organizations/organization';
import { isConditionFailure } from '#shared/platform/db';
import type { Mode } from '#shared/platform/table';
import { putUsers } from '#shared/api/users/user';
import type { User } from '#shared/api/users/schemas';

/**
 * The local stack's one organization with a test and a live key. The table keeps only the
 * keys' hashes; the keys themselves are kept beside the data in `local-keys.json` (a local
 * convenience, never deployed) so that a restart on the same data dir prints the same keys.
 */
export interface LocalSeed {
  organization_id: string;
  test_key: string;
  live_key: string;
  users: Pick<User, 'id' | 'full_name' | 'status'>[];
  /** The organization's owner, who signs in to the management API. */
  owner_email: string;
  owner_password: string;
}

const DEFAULT_OWNER_EMAIL = 'owner@osma.local';

/** Users the management plane would have made: one of each status, so assignment rules can be tried. */
const LOCAL_USERS: Pick<User, 'email' | 'full_name' | 'roles' | 'status'>[] = [
  { email: 'alice@osma.local', full_name: 'Alice Active', roles: [{ title: 'Pharmacist' }], status: 'active' },
  { email: 'ivan@osma.local', full_name: 'Ivan Invited', roles: [{ title: 'Nurse' }], status: 'invited' },
  { email: 'ina@osma.local', full_name: 'Ina Inactive', roles: [{ title: 'Care coordinator' }], status: 'inactive' },
];

export async function seedLocal(options: {
  dataDir?: string;
  testKey?: string;
  liveKey?: string;
  ownerEmail?: string;
  ownerPassword?: string;
}): Promise<LocalSeed> {
  const file = options.dataDir ? join(options.dataDir, 'local-keys.json') : undefined;
  const saved = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LocalSeed) : undefined;
  const organizationId =
    saved && (await getOrganization(saved.organization_id))
      ? saved.organization_id
      : (await createOrganization('Local organization')).id;
  const keep = saved?.organization_id === organizationId ? saved : undefined;
  const users = keep?.users?.length
    ? keep.users
    : (await putUsers(organizationId, LOCAL_USERS)).map(({ id, full_name, status }) => ({ id, full_name, status }));
  const owner = await seedOwner(organizationId, keep, options);
  const seed: LocalSeed = {
    organization_id: organizationId,
    test_key: options.testKey ?? keep?.test_key ?? generateApiKey('test'),
    live_key: options.liveKey ?? keep?.live_key ?? generateApiKey('live'),
    users,
    owner_email: owner.email,
    owner_password: owner.password,
  };
  for (const key of [seed.test_key, seed.live_key]) {
    if (key === keep?.test_key || key === keep?.live_key) continue;
    try {
      await storeApiKey(organizationId, key);
    } catch (error) {
      // The same key given again through the environment is already stored.
      if (!isConditionFailure(error)) throw error;
    }
  }
  if (file) writeFileSync(file, `${JSON.stringify(seed, null, 2)}\n`, { mode: 0o600 });
  return seed;
}

/**
 * The owner: exactly OSMA_OWNER_EMAIL and OSMA_OWNER_PASSWORD when given, else the ones made on
 * the first start (a generated password), kept in local-keys.json like the API keys.
 */
async function seedOwner(
  organizationId: string,
  keep: LocalSeed | undefined,
  options: { ownerEmail?: string; ownerPassword?: string },
): Promise<{ email: string; password: string }> {
  const email = normalizeEmail(options.ownerEmail ?? keep?.owner_email ?? DEFAULT_OWNER_EMAIL);
  const password = options.ownerPassword ?? (keep?.owner_email === email ? keep.owner_password : undefined) ?? generatePassword();
  if (keep?.owner_email === email && keep.owner_password === password) return { email, password };
  // A changed password for the same owner is set; a new email is a new owner.
  if (!(await setPassword(email, password))) {
    await createOwner({ organizationId, email, password, firstName: 'Olivia', lastName: 'Owner' });
  }
  return { email, password };
}

function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}

/** Checked before anything starts, so a wrong setting fails at once. */
export function checkSeedKeys(options: { testKey?: string; liveKey?: string; ownerEmail?: string; ownerPassword?: string }): void {
  requireMode(options.testKey, 'test', 'OSMA_TEST_API_KEY');
  requireMode(options.liveKey, 'live', 'OSMA_LIVE_API_KEY');
  if (options.ownerEmail !== undefined && !z.email().safeParse(options.ownerEmail.trim()).success) {
    throw new Error('OSMA_OWNER_EMAIL must be an email address');
  }
  const problems = options.ownerPassword === undefined ? [] : passwordProblems(options.ownerPassword);
  if (problems.length) throw new Error(`OSMA_OWNER_PASSWORD: ${problems.join('; ')}`);
}

function requireMode(key: string | undefined, mode: Mode, variable: string): void {
  if (key !== undefined && modeOfKey(key) !== mode) {
    throw new Error(`${variable} must start with sk_${mode}_ followed by 20 to 64 letters or digits`);
  }
}
