import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createRole } from '#shared/identity/roles/role';
import { roleKeys } from '#shared/identity/roles/keys';
import { parseState, topState, type StateValue } from '#shared/identity/users/lifecycle';
import { membershipKeys } from '#shared/identity/users/keys';
import { createMembership, getMembership, stateChangeWrites, type MembershipItem } from '#shared/identity/users/membership';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';

/**
 * People made the way the management plane makes them, for the local stack's demo
 * organization, the tests and the benchmark: a membership created in its first state and moved
 * along the rest, so that its public `status_transitions` are the path it really took, and job
 * roles ("Pharmacist") as custom role items.
 */
export interface DemoPerson {
  email: string;
  firstName: string;
  lastName: string;
  /** Custom job roles by display name, made when the organization has none of that name yet. */
  jobTitles?: string[];
  /** Built-in roles (`owner`, `admin`, `developer`, `viewer`). */
  builtInRoles?: string[];
  /** The states the person went through, the first the one they were created in: `['onboarding:invited', 'active:available']`. */
  path: [string, ...string[]];
}

const PLATFORM = { type: 'platform' } as const;

/**
 * The id of the organization's custom role with this display name, made through the roles
 * plane's own create (as the platform) when there is none.
 */
export async function jobRole(organizationId: string, displayName: string): Promise<string> {
  const name = displayName.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const lock = roleKeys.name(organizationId, name);
  const existing = async () => (await db().send(new GetCommand({ TableName: tableName(), Key: lock, ConsistentRead: true }))).Item?.role_id as string | undefined;
  const found = await existing();
  if (found) return found;
  try {
    return (await createRole({ organizationId, permissions: [] }, { name, 'display-name': displayName }, {})).id;
  } catch (error) {
    // Another start made it first.
    const made = await existing();
    if (made) return made;
    throw error;
  }
}

/** Makes one person: created in the path's first state, then moved through the others. */
export async function createPerson(organizationId: string, person: DemoPerson): Promise<MembershipItem> {
  const [first, ...moves] = person.path.map(stateOf);
  const roleIds = [...(person.builtInRoles ?? [])];
  for (const title of person.jobTitles ?? []) roleIds.push(await jobRole(organizationId, title));
  let user = await createMembership({
    organizationId,
    email: person.email,
    firstName: person.firstName,
    lastName: person.lastName,
    roleIds,
    state: first!,
    registrationInvite: first!.state === 'onboarding' ? 'sent' : 'none',
  });
  for (const to of moves) {
    const accepted = topState(user.state) === 'onboarding' && to.state === 'active';
    const move = stateChangeWrites(user, to, { actor: PLATFORM, ...(accepted && { changes: { registration_invite: 'accepted' } }) });
    await db().send(new TransactWriteCommand({ TransactItems: move.items }));
    user = move.updated;
  }
  return user;
}

/** The organization's member with this email as it is now, else a new one made as `person` says. */
export async function ensurePerson(organizationId: string, person: DemoPerson): Promise<MembershipItem> {
  const { Item: lock } = await db().send(
    new GetCommand({ TableName: tableName(), Key: membershipKeys.email(organizationId, person.email), ConsistentRead: true }),
  );
  const existing = lock && (await getMembership(organizationId, lock.user_id as string));
  return existing || createPerson(organizationId, person);
}

function stateOf(text: string): StateValue {
  const state = parseState(text);
  if (!state) throw new Error(`Not a state: ${text}`);
  return state;
}
