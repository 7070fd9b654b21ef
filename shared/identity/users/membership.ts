import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { auditItem, type AuditEvent } from '#shared/identity/audit/audit';
import { normalizeEmail } from '#shared/identity/logins/keys';
import { BUILT_IN_ROLES, isBuiltInRole, roleKeys, type Permission } from '#shared/identity/roles/keys';
import { permissionsOf } from '#shared/identity/roles/permissions';
import { formatState, publicStatus, type RegistrationInvite, type StateValue } from '#shared/identity/users/lifecycle';
import { membershipKeys } from '#shared/identity/users/keys';
import { tableName } from '#shared/platform/config';
import { batchGet, db, failedConditions } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';
import { newId } from '#shared/platform/ids';
import { timestamp } from '#shared/platform/time';

/**
 * A membership: one person in one organization, the item `ORG#<org>#USER` / `usr_...`. The
 * management API reads all of it; the public API reads its projection (`full_name`, `status`,
 * `status_transitions`, `created_at`, `updated_at`, and `roles[].title` from `role_ids`), which
 * every change keeps in step in the same write. `version` moves on at every change, and each
 * change is conditional on the version it read, so two racing changes never both land.
 */
export interface MembershipItem {
  pk: string;
  sk: string;
  entity: 'user';
  id: string;
  organization_id: string;
  email: string;
  first_name: string;
  middle_name?: string;
  last_name?: string;
  phone?: string;
  locale?: string;
  external_ref?: string;
  /** `<state>:<sub-state>`. */
  state: string;
  registration_invite: RegistrationInvite;
  /** Built-in role names and custom `role_...` ids, in the order they were given. */
  role_ids: string[];
  /** The OS1 attributes (seed 002), as the management API names them, when set. */
  profile?: Record<string, unknown>;
  /** Custom fields: string values, the Osma metadata limits. */
  attributes?: Record<string, string>;
  login_id?: string;
  last_login_time?: string;
  created_at: string;
  updated_at: string;
  created_by?: string;
  updated_by?: string;
  version: number;
  // The public API's projection.
  full_name: string;
  status: 'invited' | 'active' | 'inactive';
  status_transitions: { timestamp: string; from: string; to: string }[];
  // The by-state index.
  gsi1pk: string;
  gsi1sk: string;
}

export interface NewMembership {
  organizationId: string;
  email: string;
  firstName: string;
  middleName?: string;
  lastName?: string;
  phone?: string;
  externalRef?: string;
  roleIds: string[];
  state: StateValue;
  registrationInvite: RegistrationInvite;
  createdBy?: string;
  loginId?: string;
  profile?: Record<string, unknown>;
  attributes?: Record<string, string>;
}

/** A TransactWriteItems entry. */
export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

export function fullName(names: { first_name?: string; middle_name?: string; last_name?: string }): string {
  return [names.first_name, names.last_name].filter((name) => name && name.trim()).join(' ');
}

/** The by-state index keys of a user in `state` (`active:available` or `active`). */
export function stateIndex(organizationId: string, userId: string, state: string) {
  return { gsi1pk: membershipKeys.byState(organizationId, state.split(':')[0]!), gsi1sk: userId };
}

/** A new membership's item. */
export function newMembershipItem(input: NewMembership, now: string = timestamp()): MembershipItem {
  const id = newId('user');
  const state = formatState(input.state);
  const names = { first_name: input.firstName, ...(input.middleName && { middle_name: input.middleName }), ...(input.lastName && { last_name: input.lastName }) };
  return {
    ...membershipKeys.user(input.organizationId, id),
    entity: 'user',
    id,
    organization_id: input.organizationId,
    email: normalizeEmail(input.email),
    ...names,
    ...(input.phone && { phone: input.phone }),
    ...(input.externalRef && { external_ref: input.externalRef }),
    state,
    registration_invite: input.registrationInvite,
    role_ids: [...new Set(input.roleIds)],
    ...(input.profile && Object.keys(input.profile).length > 0 && { profile: input.profile }),
    ...(input.attributes && Object.keys(input.attributes).length > 0 && { attributes: input.attributes }),
    ...(input.loginId && { login_id: input.loginId }),
    created_at: now,
    updated_at: now,
    ...(input.createdBy && { created_by: input.createdBy }),
    version: 1,
    full_name: fullName(names),
    status: publicStatus(input.state.state),
    status_transitions: [],
    ...stateIndex(input.organizationId, id, state),
  };
}

/**
 * The writes that make a membership, for one transaction: the user, its email lock (and
 * external-ref lock), a holder item per role with each custom role's count, the active-owner
 * count when it is an active owner, its first history entry, and `audit` when given. The
 * indexes in `checks` name which failed condition means what (see `membershipFailure`).
 */
export function membershipWrites(
  user: MembershipItem,
  options: { actor?: AuditEvent['actor']; reasonCode?: string; audit?: Omit<AuditEvent, 'organizationId'> } = {},
): { items: TransactItem[]; checks: Record<number, 'email' | 'external-ref' | 'role'> } {
  const table = tableName();
  const org = user.organization_id;
  const items: TransactItem[] = [];
  const checks: Record<number, 'email' | 'external-ref' | 'role'> = {};
  items.push({ Put: { TableName: table, Item: user, ConditionExpression: 'attribute_not_exists(pk)' } });
  checks[items.length] = 'email';
  items.push({
    Put: {
      TableName: table,
      Item: { ...membershipKeys.email(org, user.email), entity: 'user_email', user_id: user.id },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  });
  if (user.external_ref !== undefined) {
    checks[items.length] = 'external-ref';
    items.push({
      Put: {
        TableName: table,
        Item: { ...membershipKeys.externalRef(org, user.external_ref), entity: 'user_ref', user_id: user.id },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }
  for (const roleId of user.role_ids) {
    items.push(...roleHolderWrites(user, roleId, 'add'));
    if (!isBuiltInRole(roleId)) checks[items.length - 1] = 'role';
  }
  if (user.role_ids.includes('owner') && user.state.startsWith('active:')) items.push(activeOwnersUpdate(org, +1));
  items.push({ Put: { TableName: table, Item: transitionItem(user, { from: null, to: user.state, actor: options.actor, reasonCode: options.reasonCode }) } });
  if (options.audit) items.push({ Put: { TableName: table, Item: auditItem({ ...options.audit, organizationId: org }) } });
  return { items, checks };
}

/**
 * Adding or removing one holder of a role: the holder item, and for a custom role its count
 * (conditional on the role existing, when adding; the last write of the pair, so that its
 * index is the one a failure names).
 */
export function roleHolderWrites(user: Pick<MembershipItem, 'organization_id' | 'id' | 'email'>, roleId: string, change: 'add' | 'remove'): TransactItem[] {
  const table = tableName();
  const org = user.organization_id;
  const holder = roleKeys.holder(org, roleId, user.id);
  const items: TransactItem[] =
    change === 'add'
      ? [{ Put: { TableName: table, Item: { ...holder, entity: 'role_user', role_id: roleId, user_id: user.id, email: user.email, created_at: timestamp() } } }]
      : [{ Delete: { TableName: table, Key: holder } }];
  if (!isBuiltInRole(roleId)) {
    items.push({
      Update: {
        TableName: table,
        Key: roleKeys.role(org, roleId),
        UpdateExpression: 'ADD holder_count :change',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':change': change === 'add' ? 1 : -1 },
      },
    });
  }
  return items;
}

/**
 * Moves the organization's count of active owners. Taking one away is conditional on another
 * remaining, so the last active owner can never leave: that failure is `errors.lastOwner()`.
 */
export function activeOwnersUpdate(organizationId: string, change: 1 | -1): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: roleKeys.activeOwners(organizationId),
      UpdateExpression: 'ADD active_count :change',
      ...(change < 0 && { ConditionExpression: 'active_count > :one', ExpressionAttributeValues: { ':change': change, ':one': 1 } }),
      ...(change > 0 && { ExpressionAttributeValues: { ':change': change } }),
    },
  };
}

export interface TransitionRecord {
  id: string;
  user_id: string;
  from: string | null;
  to: string;
  reason_code?: string;
  data?: Record<string, unknown>;
  actor?: AuditEvent['actor'];
  created_at: string;
}

/** One entry of a user's lifecycle history. */
export function transitionItem(
  user: Pick<MembershipItem, 'organization_id' | 'id'>,
  move: { from: string | null; to: string; actor?: AuditEvent['actor']; reasonCode?: string; data?: Record<string, unknown> },
  now: string = timestamp(),
): Record<string, unknown> & TransitionRecord {
  const id = newId('transition');
  return {
    ...membershipKeys.transition(user.organization_id, user.id, id),
    entity: 'user_transition',
    id,
    user_id: user.id,
    from: move.from,
    to: move.to,
    ...(move.reasonCode && { reason_code: move.reasonCode }),
    ...(move.data && Object.keys(move.data).length > 0 && { data: move.data }),
    ...(move.actor && { actor: move.actor }),
    created_at: now,
  };
}

/**
 * Makes a membership in one transaction. An email already a member of the organization, or an
 * external ref already taken, is a 409 naming `emailParam` / `refParam`; a custom role that does
 * not exist is a 400 naming `rolesParam`.
 */
export async function createMembership(
  input: NewMembership,
  options: {
    actor?: AuditEvent['actor'];
    reasonCode?: string;
    audit?: Omit<AuditEvent, 'organizationId'>;
    /** More writes of the same change (an invitation, a login), after the membership's. */
    extra?: (user: MembershipItem) => TransactItem[];
    params?: { email?: string; externalRef?: string; roles?: string };
  } = {},
): Promise<MembershipItem> {
  const user = newMembershipItem(input);
  const { items, checks } = membershipWrites(user, options);
  const extra = options.extra?.(user) ?? [];
  try {
    await db().send(new TransactWriteCommand({ TransactItems: [...items, ...extra] }));
  } catch (error) {
    throw membershipFailure(error, checks, options.params) ?? error;
  }
  return user;
}

/** The precise error for a failed membership write, or undefined when it is none of these. */
export function membershipFailure(
  error: unknown,
  checks: Record<number, 'email' | 'external-ref' | 'role'>,
  params: { email?: string; externalRef?: string; roles?: string } = {},
): Error | undefined {
  const failed = failedConditions(error);
  if (!failed?.length) return undefined;
  for (const index of failed) {
    const check = checks[index];
    if (check === 'email') {
      return errors.alreadyExists('A person with this email is already a member of the organization.', params.email ?? 'email', 'body');
    }
    if (check === 'external-ref') {
      return errors.alreadyExists('Another user of the organization has this external-ref.', params.externalRef ?? 'external-ref', 'body');
    }
    if (check === 'role') {
      const message = 'Each role must be a built-in role (owner, admin, developer, viewer) or a role of the organization.';
      return errors.invalidParams([{ param: params.roles ?? 'role-ids', message, in: 'body' }]);
    }
  }
  return undefined;
}

/** One user of an organization (strongly consistent), or undefined. */
export async function getMembership(organizationId: string, userId: string): Promise<MembershipItem | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: membershipKeys.user(organizationId, userId), ConsistentRead: true }));
  return Item as MembershipItem | undefined;
}

export interface RoleSummary {
  id: string;
  name: string;
  displayName: string;
  permissions: readonly Permission[];
  builtIn: boolean;
}

/**
 * The roles with these ids: built-in ones from the table, custom ones read (one BatchGetItem,
 * only when there are any). A custom role that was deleted is left out.
 */
export async function rolesById(organizationId: string, roleIds: readonly string[]): Promise<Map<string, RoleSummary>> {
  const roles = new Map<string, RoleSummary>();
  const custom = [...new Set(roleIds.filter((id) => !isBuiltInRole(id)))];
  const found = custom.length ? await batchGet(custom.map((id) => roleKeys.role(organizationId, id))) : () => undefined;
  for (const id of new Set(roleIds)) {
    if (isBuiltInRole(id)) {
      roles.set(id, { id, name: id, displayName: BUILT_IN_ROLES[id].displayName, permissions: BUILT_IN_ROLES[id].permissions, builtIn: true });
      continue;
    }
    const item = found(roleKeys.role(organizationId, id));
    if (item) {
      roles.set(id, {
        id,
        name: item.name as string,
        displayName: item.display_name as string,
        permissions: (item.permissions as Permission[] | undefined) ?? [],
        builtIn: false,
      });
    }
  }
  return roles;
}

/** What a user may do: the permissions of every role they hold. */
export async function permissionsOfUser(user: Pick<MembershipItem, 'organization_id' | 'role_ids'>): Promise<Permission[]> {
  const roles = await rolesById(user.organization_id, user.role_ids ?? []);
  return permissionsOf(user.role_ids ?? [], new Map([...roles].map(([id, role]) => [id, role.permissions])));
}

/**
 * The writes of one lifecycle move of a user as read (`user`), for one transaction: the user
 * (state, its index, the public status and its history when that changes, conditional on the
 * version read), a history item and the active-owner count when an owner enters or leaves
 * `active`. The caller checks that the move is allowed (lifecycle.ts), adds its audit item and
 * maps failures: the user write failing is a concurrent change, the owner count the last owner.
 * `changes` sets more attributes of the user in the same write (`registration_invite`, a login).
 */
export function stateChangeWrites(
  user: MembershipItem,
  to: StateValue,
  move: { actor?: AuditEvent['actor']; reasonCode?: string; data?: Record<string, unknown>; changes?: Record<string, unknown> },
  now: string = timestamp(),
): { items: TransactItem[]; userIndex: number; ownerIndex?: number; transition: TransitionRecord; updated: MembershipItem } {
  const state = formatState(to);
  const status = publicStatus(to.state);
  const transitions =
    status === user.status ? user.status_transitions : [...(user.status_transitions ?? []), { timestamp: now, from: user.status, to: status }];
  const updated: MembershipItem = {
    ...user,
    ...move.changes,
    state,
    status,
    status_transitions: transitions,
    updated_at: now,
    ...(move.actor?.id && { updated_by: move.actor.id }),
    version: (user.version ?? 0) + 1,
    ...stateIndex(user.organization_id, user.id, state),
  };
  const transition = transitionItem(user, { from: user.state, to: state, actor: move.actor, reasonCode: move.reasonCode, data: move.data }, now);
  const items: TransactItem[] = [
    {
      Put: {
        TableName: tableName(),
        Item: updated,
        // A user item written before versions (the public API's seeded users) has none yet.
        ...(user.version === undefined
          ? { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#version)', ExpressionAttributeNames: { '#version': 'version' } }
          : {
              ConditionExpression: 'attribute_exists(pk) AND #version = :version',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':version': user.version },
            }),
      },
    },
    { Put: { TableName: tableName(), Item: transition } },
  ];
  let ownerIndex: number | undefined;
  const wasActive = user.state.startsWith('active:');
  const isActive = to.state === 'active';
  if ((user.role_ids ?? []).includes('owner') && wasActive !== isActive) {
    ownerIndex = items.length;
    items.push(activeOwnersUpdate(user.organization_id, isActive ? 1 : -1));
  }
  return { items, userIndex: 0, ownerIndex, transition, updated };
}
