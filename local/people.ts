import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { roleKeys } from '#shared/identity/roles/keys';
import { parseState, topState, type StateValue } from '#shared/identity/users/lifecycle';
import { membershipKeys } from '#shared/identity/users/keys';
import { createMembership, getMembership, stateChangeWrites, type MembershipItem } from '#shared/identity/users/membership';
import { tableName } from '#shared/platform/config';
import { db, failedConditions } from '#shared/platform/db';
import { newId } from '#shared/platform/ids';
import { timestamp } from '#shared/platform/time';

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
 * The id of the organization's custom role with this display name, made (role item and name
 * lock in one transaction) when there is none. A stand-in for the roles plane's own create.
 */
export async function jobRole(organizationId: string, displayName: string): Promise<string> {
  const name = displayName.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const lock = roleKeys.name(organizationId, name);
  const id = newId('role');
  const now = timestamp();
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName(),
              Item: {
                ...roleKeys.role(organizationId, id),
                entity: 'role',
                id,
                organization_id: organizationId,
                name,
                display_name: displayName,
                permissions: [],
                holder_count: 0,
                created_at: now,
                updated_at: now,
                version: 1,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          { Put: { TableName: tableName(), Item: { ...lock, entity: 'role_name', role_id: id }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      }),
    );
    return id;
  } catch (error) {
    if (!failedConditions(error)?.includes(1)) throw error;
    const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: lock, ConsistentRead: true }));
    if (!Item) throw error;
    return Item.role_id as string;
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
