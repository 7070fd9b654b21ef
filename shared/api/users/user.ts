import { BatchWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '#shared/platform/config';
import { objectFromItem } from '#shared/platform/items';
import { db } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';
import { isId, newId } from '#shared/platform/ids';
import { queryPage, type Page, type PageRequest } from '#shared/platform/pagination';
import { timestamp } from '#shared/platform/time';
import { user as userSchema, type User } from '#shared/api/users/schemas';
import { userKeys } from '#shared/api/users/keys';

export const fromItem = objectFromItem(userSchema);

export async function getUser(organizationId: string, id: string): Promise<User> {
  if (!isId('user', id)) throw errors.notFound('user', id);
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: userKeys.key(organizationId, id) }));
  if (!Item) throw errors.notFound('user', id);
  return fromItem(Item);
}

export function listUsers(organizationId: string, request: PageRequest): Promise<Page<User>> {
  return queryPage({
    kind: 'user',
    request,
    source: { partitionKey: 'pk', partitionValue: userKeys.pk(organizationId), idKey: 'sk' },
    fromItem,
  });
}

/** Writes users as the management plane will; used by the local seed and the tests. */
export async function putUsers(
  organizationId: string,
  users: Pick<User, 'email' | 'full_name' | 'roles' | 'status'>[],
): Promise<User[]> {
  const now = timestamp();
  const made: User[] = users.map((user) => ({
    id: newId('user'),
    created_at: now,
    updated_at: now,
    ...user,
    status_transitions: transitionsTo(user.status, now),
  }));
  for (let i = 0; i < made.length; i += 25) {
    await db().send(
      new BatchWriteCommand({
        RequestItems: {
          [tableName()]: made.slice(i, i + 25).map((user) => ({
            PutRequest: { Item: { ...userKeys.key(organizationId, user.id), entity: 'user', ...user } },
          })),
        },
      }),
    );
  }
  return made;
}

/** The path a user took to its status: invited, then active, then perhaps inactive. */
function transitionsTo(status: User['status'], at: string): User['status_transitions'] {
  const path: User['status'][] = status === 'invited' ? ['invited'] : status === 'active' ? ['invited', 'active'] : ['invited', 'active', 'inactive'];
  return path.slice(1).map((to, i) => ({ to, from: path[i]!, timestamp: at }));
}
