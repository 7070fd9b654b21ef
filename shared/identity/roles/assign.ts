import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { SessionPrincipal } from '#shared/identity/principal';
import { BUILT_IN_ROLES, isBuiltInRole, roleKeys } from '#shared/identity/roles/keys';
import { assertMayGrant } from '#shared/identity/roles/permissions';
import { audit, customRole, getRoleItem, pause, type ChangeSource, type RoleHolder } from '#shared/identity/roles/role';
import { membershipKeys } from '#shared/identity/users/keys';
import {
  activeOwnersUpdate,
  getMembership,
  roleHolderWrites,
  type MembershipItem,
  type RoleSummary,
  type TransactItem,
} from '#shared/identity/users/membership';
import { tableName } from '#shared/platform/config';
import { db, failedConditions, isTransactionConflict } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';
import { isId } from '#shared/platform/ids';
import { timestamp } from '#shared/platform/time';

/**
 * Giving a person a role and taking it away. Each is one transaction of the user item (its
 * `role_ids`, conditional on the version read, which is what the authorizer reads on the next
 * call), the role's holder item and count, the active-owner count when an active person gains
 * or loses `owner`, and an audit event. The grant rule (`assertMayGrant`) is checked first.
 */

/** Who the body names: `user-id`, or `email` (the email lock names the user); both must agree. */
export interface UserReference {
  'user-id'?: string;
  email?: string;
}

/** A racing change of the same user (or a transaction conflict) makes us read it again; this many times, then 409. */
const ATTEMPTS = 3;

export async function assignRole(
  principal: SessionPrincipal,
  input: UserReference & { 'role-id': string },
  source: ChangeSource,
): Promise<RoleHolder> {
  const org = principal.organizationId;
  const role = await roleNamed(org, input['role-id']);
  assertMayGrant(principal, [role]);
  for (let attempt = 1; ; attempt++) {
    const user = await userNamed(org, input);
    if ((user.role_ids ?? []).includes(role.id)) throw alreadyHeld();
    const now = timestamp();
    const [holderPut, ...roleCount] = roleHolderWrites(user, role.id, 'add');
    // The holder item too must be new: it is the second guard against holding a role twice.
    holderPut!.Put!.ConditionExpression = 'attribute_not_exists(pk)';
    const items: TransactItem[] = [userUpdate(user, [...(user.role_ids ?? []), role.id], principal, now), holderPut!, ...roleCount];
    const roleIndex = roleCount.length ? 2 : undefined;
    if (role.id === 'owner' && isActive(user)) items.push(activeOwnersUpdate(org, 1));
    items.push(audit('role.assigned', principal, role.id, source, { 'user-id': user.id }, { type: 'user', id: user.id }));
    try {
      await db().send(new TransactWriteCommand({ TransactItems: items }));
      return { roleId: role.id, userId: user.id, email: user.email, createdAt: (holderPut!.Put!.Item as { created_at: string }).created_at };
    } catch (error) {
      const failed = failedConditions(error) ?? [];
      if (!failed.length && !isTransactionConflict(error)) throw error;
      if (failed.includes(1)) throw alreadyHeld();
      if (roleIndex !== undefined && failed.includes(roleIndex)) throw errors.notFoundAt(`No such role: '${role.id}'`, 'data.attributes.role-id');
      if (attempt === ATTEMPTS) throw errors.concurrentChange();
      await pause(attempt);
    }
  }
}

export async function removeRole(principal: SessionPrincipal, roleId: string, input: UserReference, source: ChangeSource): Promise<void> {
  const org = principal.organizationId;
  const role = await roleNamed(org, roleId, { param: 'id', in: 'path' });
  assertMayGrant(principal, [role]);
  for (let attempt = 1; ; attempt++) {
    const user = await userNamed(org, input);
    if (!(user.role_ids ?? []).includes(role.id)) {
      throw errors.notFoundAt(`The user does not hold the role ${role.name}.`, input['user-id'] !== undefined ? 'data.attributes.user-id' : 'data.attributes.email');
    }
    const items: TransactItem[] = [
      userUpdate(user, (user.role_ids ?? []).filter((id) => id !== role.id), principal, timestamp()),
      ...roleHolderWrites(user, role.id, 'remove'),
    ];
    const ownerIndex = role.id === 'owner' && isActive(user) ? items.length : undefined;
    if (ownerIndex !== undefined) items.push(activeOwnersUpdate(org, -1));
    items.push(audit('role.removed', principal, role.id, source, { 'user-id': user.id }, { type: 'user', id: user.id }));
    try {
      await db().send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      const failed = failedConditions(error) ?? [];
      if (!failed.length && !isTransactionConflict(error)) throw error;
      if (ownerIndex !== undefined && failed.includes(ownerIndex) && !failed.includes(0)) throw errors.lastOwner();
      if (attempt === ATTEMPTS) throw errors.concurrentChange();
      await pause(attempt);
    }
  }
}

/**
 * The holders of a role, a page at a time: one Query of its holders partition, sorted by user
 * id (so by when the user joined). Offset paging reads what it skips.
 */
export async function listRoleHolders(
  organizationId: string,
  roleId: string,
  page: { limit: number; offset: number },
): Promise<{ role: RoleSummary & { holderCount?: number }; holders: RoleHolder[]; hasNext: boolean }> {
  const role = await roleNamed(organizationId, roleId, { param: 'role-id', in: 'query' });
  const wanted = page.offset + page.limit + 1;
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const result = await db().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': roleKeys.holdersPk(organizationId, role.id) },
        Limit: wanted - items.length,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(result.Items ?? []));
    startKey = result.LastEvaluatedKey;
  } while (startKey && items.length < wanted);
  const holders = items.slice(page.offset, page.offset + page.limit).map((item) => ({
    roleId: role.id,
    userId: item.user_id as string,
    email: item.email as string,
    createdAt: item.created_at as string,
  }));
  return { role, holders, hasNext: items.length === wanted };
}

/**
 * A role named in the request, with its holder count when it is a custom role (a built-in
 * role's would take a COUNT Query, which a page of holders does not pay for). Another
 * organization's role, or no role, is a 404 naming the parameter.
 */
async function roleNamed(
  organizationId: string,
  roleId: string,
  where: { param: string; in: 'body' | 'query' | 'path' } = { param: 'data.attributes.role-id', in: 'body' },
): Promise<RoleSummary & { holderCount?: number }> {
  if (isBuiltInRole(roleId)) {
    const role = BUILT_IN_ROLES[roleId];
    return { id: roleId, name: roleId, displayName: role.displayName, permissions: role.permissions, builtIn: true };
  }
  try {
    const role = customRole(await getRoleItem(organizationId, roleId));
    return { ...role, holderCount: role.userCount };
  } catch (error) {
    if ((error as { status?: number }).status !== 404) throw error;
    const id = roleId.slice(0, 100);
    throw where.in === 'body' ? errors.notFoundAt(`No such role: '${id}'`, where.param) : errors.notFound('role', id);
  }
}

/** The user the body names, read strongly consistent; 404 naming the field when the organization has none. */
async function userNamed(organizationId: string, input: UserReference): Promise<MembershipItem> {
  const { 'user-id': userId, email } = input;
  if (userId === undefined && email === undefined) {
    throw errors.parameterMissing([{ param: 'data.attributes.user-id', message: 'Send user-id or email', in: 'body' }]);
  }
  let byEmail: string | undefined;
  if (email !== undefined) {
    const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: membershipKeys.email(organizationId, email), ConsistentRead: true }));
    byEmail = Item?.user_id as string | undefined;
    if (!byEmail) throw errors.notFoundAt('No user of the organization has this email.', 'data.attributes.email');
    if (userId !== undefined && userId !== byEmail) {
      throw errors.invalidParams([{ param: 'data.attributes.email', message: 'email and user-id name different users: send one of them', in: 'body' }]);
    }
  }
  const id = userId ?? byEmail!;
  const user = isId('user', id) ? await getMembership(organizationId, id) : undefined;
  if (!user) {
    const param = userId !== undefined ? 'data.attributes.user-id' : 'data.attributes.email';
    throw errors.notFoundAt(`No such user: '${id.slice(0, 100)}'`, param);
  }
  return user;
}

/** The user item's change: its roles, conditional on the version read, with the version moved on. */
function userUpdate(user: MembershipItem, roleIds: string[], principal: SessionPrincipal, now: string): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: membershipKeys.user(user.organization_id, user.id),
      UpdateExpression: 'SET role_ids = :roles, #version = :next, updated_at = :now, updated_by = :by',
      ConditionExpression: 'attribute_exists(pk) AND #version = :version',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':roles': roleIds, ':next': (user.version ?? 0) + 1, ':version': user.version ?? 0, ':now': now, ':by': principal.userId },
    },
  };
}

function isActive(user: MembershipItem): boolean {
  return user.state.startsWith('active:');
}

function alreadyHeld() {
  return errors.alreadyExists('The user already holds this role.', 'data.attributes.role-id', 'body');
}
