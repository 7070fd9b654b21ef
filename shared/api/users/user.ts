import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { BUILT_IN_ROLES, isBuiltInRole, roleKeys } from '#shared/identity/roles/keys';
import { tableName } from '#shared/platform/config';
import { batchGet, db, type TableKey } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';
import { isId } from '#shared/platform/ids';
import { queryPage, type Page, type PageRequest } from '#shared/platform/pagination';
import { orderedTransitions, type StatusTransition } from '#shared/platform/transitions';
import type { User } from '#shared/api/users/schemas';
import { userKeys } from '#shared/api/users/keys';

/**
 * Users are the management plane's memberships: this API reads the projection each change
 * keeps in step (`full_name`, `status`, `status_transitions`) and turns `role_ids` into
 * `roles[].title`. Everything else of the item (state, email lock, profile, version...) stays
 * behind: the objects are built field by field, never spread from the item.
 */
interface StoredUser {
  id: string;
  created_at: string;
  updated_at: string;
  email: string;
  full_name: string;
  role_ids?: string[];
  status: User['status'];
  status_transitions?: StatusTransition<User['status']>[];
}

/** A user as read, its roles still ids (a page weighs them so; titles are of a similar size). */
type UnresolvedUser = Omit<User, 'roles'> & { role_ids: string[] };

function fromItem(item: Record<string, unknown>): UnresolvedUser {
  const stored = item as unknown as StoredUser;
  return {
    id: stored.id,
    created_at: stored.created_at,
    updated_at: stored.updated_at,
    email: stored.email,
    full_name: stored.full_name,
    role_ids: stored.role_ids ?? [],
    status: stored.status,
    status_transitions: orderedTransitions(stored.status_transitions ?? []),
  };
}

/**
 * The users with their role titles: a built-in role's display name from the fixed table, a
 * custom role's from its item, read in one BatchGetItem for the whole page (a batch per 100
 * distinct roles) and only when the page holds any. Eventually consistent, like the user's
 * own read: a renamed role shows under its new name within a moment, at half the cost. A
 * custom role that no longer exists is left out.
 */
async function withRoleTitles(organizationId: string, users: UnresolvedUser[]): Promise<User[]> {
  const custom = [...new Set(users.flatMap((user) => user.role_ids.filter((id) => !isBuiltInRole(id))))];
  const titles = new Map<string, string>();
  for (let i = 0; i < custom.length; i += 100) {
    const keys: TableKey[] = custom.slice(i, i + 100).map((id) => roleKeys.role(organizationId, id));
    const found = await batchGet(keys, { consistent: false });
    for (const key of keys) {
      const role = found(key);
      const title = role?.display_name ?? role?.name;
      if (typeof title === 'string') titles.set(key.sk, title);
    }
  }
  const titleOf = (id: string) => (isBuiltInRole(id) ? BUILT_IN_ROLES[id].displayName : titles.get(id));
  return users.map(({ role_ids, ...user }) => ({
    id: user.id,
    created_at: user.created_at,
    updated_at: user.updated_at,
    email: user.email,
    full_name: user.full_name,
    roles: role_ids.flatMap((id) => {
      const title = titleOf(id);
      return title === undefined ? [] : [{ title }];
    }),
    status: user.status,
    status_transitions: user.status_transitions,
  }));
}

export async function getUser(organizationId: string, id: string): Promise<User> {
  if (!isId('user', id)) throw errors.notFound('user', id);
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: userKeys.key(organizationId, id) }));
  if (!Item) throw errors.notFound('user', id);
  const [user] = await withRoleTitles(organizationId, [fromItem(Item)]);
  return user!;
}

export async function listUsers(organizationId: string, request: PageRequest): Promise<Page<User>> {
  const page = await queryPage({
    kind: 'user',
    request,
    source: { partitionKey: 'pk', partitionValue: userKeys.pk(organizationId), idKey: 'sk' },
    fromItem,
  });
  return { has_next: page.has_next, data: await withRoleTitles(organizationId, page.data) };
}
