import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as z from 'zod';
import { normalizeEmail } from '#shared/identity/logins/keys';
import { createOwner, setPassword } from '#shared/identity/logins/owner';
import { passwordProblems } from '#shared/identity/passwords/policy';
import { join } from 'node:path';
import { adoptApiKey, generateApiKey, isUsable, modeOfKey, storeApiKey } from '#shared/identity/api-keys/api-key';
import { logger } from '#shared/platform/logger';
import { createOrganization, getOrganization } from '#shared/identity/organizations/organization';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { db, isConditionFailure } from '#shared/platform/db';
import { tableName } from '#shared/platform/config';
import type { Mode } from '#shared/platform/table';
import { userKeys } from '#shared/api/users/keys';
import type { User } from '#shared/api/users/schemas';
import { ensurePerson, type DemoPerson } from '#local/people';

/**
 * The local stack's one organization with a test and a live key. The table keeps only the
 * keys' hashes (in ordinary key records); the keys themselves are kept beside the data in
 * `local-keys.json` (a local convenience, never deployed) so that a restart on the same data
 * dir prints the same keys.
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

/**
 * Demo people, one of each Osma status so that assignment rules can be tried, each with a job
 * role: made through the management plane's own functions, each state of its path a real move.
 */
const LOCAL_USERS: DemoPerson[] = [
  { email: 'alice@osma.local', firstName: 'Alice', lastName: 'Active', jobTitles: ['Dispatcher'], path: ['onboarding:invited', 'active:available'] },
  { email: 'ivan@osma.local', firstName: 'Ivan', lastName: 'Invited', jobTitles: ['Nurse'], path: ['onboarding:invited'] },
  {
    email: 'ina@osma.local',
    firstName: 'Ina',
    lastName: 'Inactive',
    jobTitles: ['Care coordinator'],
    path: ['onboarding:invited', 'active:available', 'inactive:deactivated'],
  },
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
  await removeRowUsers(organizationId, keep?.users ?? []);
  const users: LocalSeed['users'] = [];
  // One after another: ids sort by creation, so the list shows them in the same order each time.
  for (const person of LOCAL_USERS) {
    const { id, full_name, status } = await ensurePerson(organizationId, person);
    users.push({ id, full_name, status });
  }
  const owner = await seedOwner(organizationId, keep, options);
  const seed: LocalSeed = {
    organization_id: organizationId,
    test_key: await seedKey(organizationId, 'test', options.testKey, keep?.test_key),
    live_key: await seedKey(organizationId, 'live', options.liveKey, keep?.live_key),
    users,
    owner_email: owner.email,
    owner_password: owner.password,
  };
  if (file) writeFileSync(file, `${JSON.stringify(seed, null, 2)}\n`, { mode: 0o600 });
  return seed;
}

const LOCAL_KEY_NAMES: Record<Mode, string> = { test: 'Local test key', live: 'Local live key' };

/**
 * The key the stack prints for a mode, an ordinary key record named "Local test key" or "Local
 * live key" (listed, rollable and revocable through the management API): exactly the one given
 * (OSMA_TEST_API_KEY, OSMA_LIVE_API_KEY), else the one kept in local-keys.json, else a new one.
 * A kept key that was revoked or has expired since is replaced by a new one, so that the banner
 * shows keys that work; a given key is never brought back to life: a warning says it is refused.
 */
async function seedKey(organizationId: string, mode: Mode, given: string | undefined, kept: string | undefined): Promise<string> {
  const name = LOCAL_KEY_NAMES[mode];
  if (given !== undefined) {
    const record = await adoptApiKey(organizationId, given, name);
    if (record && !isUsable(record)) logger.warn(`The ${mode} key given in the environment was revoked or has expired: the API refuses it`);
    return given;
  }
  const record = kept === undefined ? undefined : await adoptApiKey(organizationId, kept, name);
  if (kept !== undefined && record && isUsable(record)) return kept;
  const key = generateApiKey(mode);
  await storeApiKey(organizationId, key, { name });
  return key;
}

/**
 * Earlier versions of the stack wrote the demo users as bare rows, not memberships (no state,
 * no email lock): they are removed, so that each demo person is listed once, as a member.
 */
async function removeRowUsers(organizationId: string, saved: { id: string }[]): Promise<void> {
  for (const { id } of saved) {
    try {
      await db().send(
        new DeleteCommand({
          TableName: tableName(),
          Key: userKeys.key(organizationId, id),
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#state)',
          ExpressionAttributeNames: { '#state': 'state' },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
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
