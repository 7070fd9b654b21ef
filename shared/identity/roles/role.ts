import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { auditItem, type AuditAction } from '#shared/identity/audit/audit';
import type { SessionPrincipal } from '#shared/identity/principal';
import { BUILT_IN_ROLES, isBuiltInRole, MAX_CUSTOM_ROLES, PERMISSIONS, roleKeys, type Permission } from '#shared/identity/roles/keys';
import { tableName } from '#shared/platform/config';
import { cancelledItem, db, failedConditions, isTransactionConflict, queryAll } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';
import { isId, newId } from '#shared/platform/ids';
import { timestamp } from '#shared/platform/time';

/**
 * Roles as the management API sees them: the four built in (never stored) and the custom roles
 * an organization creates, `ORG#<org>#ROLE` / `role_...`. A custom role's name is held by a lock
 * item, the organization's count of custom roles by a counter item, and its holders by
 * `holder_count`, each moved in the transaction that changes it (docs/roles.md).
 */
export interface RoleItem {
  pk: string;
  sk: string;
  entity: 'role';
  id: string;
  organization_id: string;
  name: string;
  display_name: string;
  permissions: Permission[];
  /** How many users hold it: moved with each holder item (users/membership.ts roleHolderWrites). */
  holder_count?: number;
  /** Moves on at every change; a change is conditional on the version it read. */
  version: number;
  created_at: string;
  updated_at: string;
  created_by?: string;
  updated_by?: string;
}

export interface Role {
  id: string;
  name: string;
  displayName: string;
  permissions: readonly Permission[];
  builtIn: boolean;
  userCount: number;
  organizationId: string;
  createdAt: string | null;
  updatedAt: string | null;
}

/** One holder of a role, as its item in the role's holders partition records it. */
export interface RoleHolder {
  roleId: string;
  userId: string;
  email: string;
  createdAt: string;
}

/** Where a change came from, for its audit event. */
/**
 * Who changes roles: a signed-in person, or the platform's own tooling (the local stack's seed),
 * which has no user id and is recorded as the platform.
 */
export type RoleActor = Pick<SessionPrincipal, 'organizationId' | 'permissions'> & { userId?: string };

export interface ChangeSource {
  ip?: string;
  userAgent?: string;
}

const BUILT_IN_IDS = Object.keys(BUILT_IN_ROLES) as (keyof typeof BUILT_IN_ROLES)[];

/**
 * The organization's roles: the four built in first (in the table's order), then its custom
 * roles oldest first. Custom roles are at most MAX_CUSTOM_ROLES, so one Query reads them all;
 * each built-in role's count is a COUNT Query of its holders (docs/roles.md has the cost).
 */
export async function listRoles(organizationId: string, filter: { name?: string } = {}): Promise<Role[]> {
  const builtIn = BUILT_IN_IDS.filter((id) => filter.name === undefined || filter.name === id);
  const [counts, custom] = await Promise.all([
    Promise.all(builtIn.map((id) => countHolders(organizationId, id))),
    queryAll<RoleItem>(roleKeys.pk(organizationId), { skPrefix: 'role_' }),
  ]);
  return [
    ...builtIn.map((id, index) => builtInRole(organizationId, id, counts[index]!)),
    ...custom.filter((item) => filter.name === undefined || item.name === filter.name).map(customRole),
  ];
}

/** One role of the organization; anything else (another organization's, an id of no role) is 404. */
export async function getRole(organizationId: string, id: string): Promise<Role> {
  if (isBuiltInRole(id)) return builtInRole(organizationId, id, await countHolders(organizationId, id));
  return customRole(await getRoleItem(organizationId, id));
}

/** A custom role's item, strongly consistent: 404 for a built-in or unknown id. */
export async function getRoleItem(organizationId: string, id: string): Promise<RoleItem> {
  const item = isId('role', id) ? await readRoleItem(organizationId, id) : undefined;
  if (!item) throw errors.notFound('role', id);
  return item;
}

async function readRoleItem(organizationId: string, id: string): Promise<RoleItem | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: roleKeys.role(organizationId, id), ConsistentRead: true }));
  return Item as RoleItem | undefined;
}

/**
 * Creates a custom role: the role, its name's lock and the organization's count in one
 * transaction, so that of two racing creates of one name exactly one lands, and the count never
 * passes MAX_CUSTOM_ROLES. Each permission must be one the caller holds.
 */
export async function createRole(
  principal: RoleActor,
  input: { name: string; 'display-name': string; permissions?: Permission[] },
  source: ChangeSource,
): Promise<Role> {
  if (isBuiltInRole(input.name)) throw nameTaken();
  const permissions = ordered(input.permissions ?? []);
  assertHolds(principal, permissions);
  const now = timestamp();
  const org = principal.organizationId;
  const id = newId('role');
  const item: RoleItem = {
    ...roleKeys.role(org, id),
    entity: 'role',
    id,
    organization_id: org,
    name: input.name,
    display_name: input['display-name'],
    permissions,
    holder_count: 0,
    version: 1,
    created_at: now,
    updated_at: now,
    ...(principal.userId && { created_by: principal.userId }),
  };
  const table = tableName();
  const transaction = new TransactWriteCommand({
    TransactItems: [
      { Put: { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Put: {
          TableName: table,
          Item: { ...roleKeys.name(org, input.name), entity: 'role_name', role_id: id },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Update: {
          TableName: table,
          Key: roleKeys.customCount(org),
          UpdateExpression: 'ADD custom_count :one',
          ConditionExpression: 'attribute_not_exists(custom_count) OR custom_count < :max',
          ExpressionAttributeValues: { ':one': 1, ':max': MAX_CUSTOM_ROLES },
        },
      },
      audit('role.created', principal, id, source, { name: input.name, permissions: permissions.join(',') }),
    ],
  });
  // A transaction that met a racing one (the same name, the same count) is tried again: its
  // conditions then say which one won.
  for (let attempt = 1; ; attempt++) {
    try {
      await db().send(transaction);
      break;
    } catch (error) {
      const failed = failedConditions(error) ?? [];
      if (failed.includes(1)) throw nameTaken();
      if (failed.includes(2)) {
        throw errors.invalidState(`The organization has ${MAX_CUSTOM_ROLES} custom roles, the most it may have: delete one it no longer uses first.`);
      }
      if (!isTransactionConflict(error)) throw error;
      if (attempt === 3) throw errors.concurrentChange();
      await pause(attempt);
    }
  }
  return customRole(item);
}

/**
 * Changes a custom role's display name or permissions. Nobody edits a role above them: the
 * caller must hold every permission the role has now and every one it is given. Conditional on
 * the version read, so a racing change is a 409, never lost. Built-in roles are fixed: 409.
 */
export async function updateRole(
  principal: SessionPrincipal,
  id: string,
  resource: { id?: string; attributes: { 'display-name'?: string; permissions?: Permission[] } },
  source: ChangeSource,
): Promise<Role> {
  if (resource.id !== undefined && resource.id !== id) {
    throw errors.invalidParams([{ param: 'data.id', message: 'data.id must be the id in the path', in: 'body' }]);
  }
  if (isBuiltInRole(id)) throw builtInFixed(id);
  const org = principal.organizationId;
  const current = await getRoleItem(org, id);
  assertHolds(principal, current.permissions ?? [], 'The role allows');
  const { 'display-name': displayName, permissions } = resource.attributes;
  const next = permissions === undefined ? undefined : ordered(permissions);
  if (next) assertHolds(principal, next);
  const now = timestamp();
  const changed: RoleItem = {
    ...current,
    ...(displayName !== undefined && { display_name: displayName }),
    ...(next && { permissions: next }),
    version: current.version + 1,
    updated_at: now,
    updated_by: principal.userId,
  };
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName(),
              Key: roleKeys.role(org, id),
              UpdateExpression: 'SET display_name = :name, #permissions = :permissions, #version = :next, updated_at = :now, updated_by = :by',
              ConditionExpression: 'attribute_exists(pk) AND #version = :version',
              ExpressionAttributeNames: { '#permissions': 'permissions', '#version': 'version' },
              ExpressionAttributeValues: {
                ':name': changed.display_name,
                ':permissions': changed.permissions,
                ':next': changed.version,
                ':version': current.version,
                ':now': now,
                ':by': principal.userId,
              },
            },
          },
          audit('role.updated', principal, id, source, {
            ...(displayName !== undefined && { 'display-name': displayName }),
            ...(next && { permissions: next.join(',') }),
          }),
        ],
      }),
    );
  } catch (error) {
    if (!failedConditions(error)?.length) throw error;
    if (!(await readRoleItem(org, id))) throw errors.notFound('role', id);
    throw errors.concurrentChange();
  }
  return customRole({ ...changed, holder_count: current.holder_count });
}

/**
 * Deletes a custom role nobody holds: the role (conditional on no holder and on the version
 * whose permissions were checked), its name's lock and the organization's count, in one
 * transaction. A role someone holds is 409 `invalid_state`; a built-in role 409 too.
 */
export async function deleteRole(principal: SessionPrincipal, id: string, source: ChangeSource): Promise<void> {
  if (isBuiltInRole(id)) throw builtInFixed(id);
  const org = principal.organizationId;
  const current = await getRoleItem(org, id);
  assertHolds(principal, current.permissions ?? [], 'The role allows');
  const table = tableName();
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: table,
              Key: roleKeys.role(org, id),
              ConditionExpression: 'attribute_exists(pk) AND #version = :version AND (attribute_not_exists(holder_count) OR holder_count = :none)',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':version': current.version, ':none': 0 },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          { Delete: { TableName: table, Key: roleKeys.name(org, current.name) } },
          {
            Update: {
              TableName: table,
              Key: roleKeys.customCount(org),
              UpdateExpression: 'ADD custom_count :minusOne',
              ExpressionAttributeValues: { ':minusOne': -1 },
            },
          },
          audit('role.deleted', principal, id, source, { name: current.name }),
        ],
      }),
    );
  } catch (error) {
    if (!failedConditions(error)?.includes(0)) throw error;
    const found = cancelledItem(error, 0) as RoleItem | undefined;
    if (!found) throw errors.notFound('role', id);
    if ((found.holder_count ?? 0) > 0) throw heldRole(found.holder_count ?? 0);
    throw errors.concurrentChange();
  }
}

/** How many people hold a role: a custom role's count, or a COUNT Query of a built-in one's holders. */
async function countHolders(organizationId: string, roleId: string): Promise<number> {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': roleKeys.holdersPk(organizationId, roleId) },
        Select: 'COUNT',
        ExclusiveStartKey: startKey,
      }),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count;
}

function builtInRole(organizationId: string, id: keyof typeof BUILT_IN_ROLES, userCount: number): Role {
  const role = BUILT_IN_ROLES[id];
  return {
    id,
    name: id,
    displayName: role.displayName,
    permissions: role.permissions,
    builtIn: true,
    userCount,
    organizationId,
    createdAt: null,
    updatedAt: null,
  };
}

export function customRole(item: RoleItem): Role {
  return {
    id: item.id,
    name: item.name,
    displayName: item.display_name,
    permissions: ordered(item.permissions ?? []),
    builtIn: false,
    userCount: Math.max(0, item.holder_count ?? 0),
    organizationId: item.organization_id,
    createdAt: item.created_at,
    updatedAt: item.updated_at,
  };
}

/** Permissions without repeats, in the table's order, whatever order they were sent in. */
function ordered(permissions: readonly string[]): Permission[] {
  return PERMISSIONS.filter((permission) => permissions.includes(permission));
}

/** 403 unless the caller holds each of `permissions`: nobody grants (or edits) what they do not hold. */
function assertHolds(principal: Pick<SessionPrincipal, 'permissions'>, permissions: readonly Permission[], what = 'You asked for'): void {
  const missing = permissions.filter((permission) => !principal.permissions.includes(permission));
  if (missing.length) {
    throw errors.forbidden(`${what} ${missing.join(', ')}, which your roles do not: nobody grants or edits what they do not hold.`);
  }
}

/** A short random wait before trying again, so that racing requests do not meet again at once. */
export function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, attempt * (10 + Math.random() * 40)));
}

function nameTaken() {
  return errors.alreadyExists('A role of the organization already has this name.', 'data.attributes.name', 'body');
}

function builtInFixed(id: string) {
  return errors.invalidState(`The built-in role ${id} is fixed: only custom roles change or are deleted.`);
}

export function heldRole(holders: number) {
  return errors.invalidState(
    `${holders} ${holders === 1 ? 'person holds' : 'people hold'} this role: remove it from them (POST /v1/roles/{id}/remove-user/) before deleting it.`,
  );
}

export function audit(
  action: AuditAction,
  principal: RoleActor,
  roleId: string,
  source: ChangeSource,
  data: Record<string, string>,
  target: { type: string; id: string } = { type: 'role', id: roleId },
) {
  return {
    Put: {
      TableName: tableName(),
      Item: auditItem({
        organizationId: principal.organizationId,
        action,
        actor: principal.userId ? { type: 'user', id: principal.userId } : { type: 'platform' },
        target,
        ip: source.ip,
        userAgent: source.userAgent,
        data: { 'role-id': roleId, ...data },
      }),
    },
  };
}
