/**
 * Roles: the four built in (fixed ids, never stored) and the ones an organization creates for
 * job titles ("Pharmacist"), stored as `ORG#<org>#ROLE` / `role_...`. Who holds a role is kept
 * twice, each in one transaction with the other: in the user item's `role_ids`, and as a
 * role-user item in the role's own partition, so "who holds this role" is one Query.
 * SDK-free: the public API (to project `roles[].title`) and the CDK read it.
 */

/**
 * What a role may allow: a fixed set. A role an organization creates may hold some of them,
 * never more than its creator holds (docs/roles.md has the table).
 */
export const PERMISSIONS = [
  'organization.read',
  'organization.write',
  'users.manage',
  'roles.manage',
  'sessions.manage',
  'audit.read',
  'api-keys.read',
  'api-keys.manage',
  'developers.manage',
  'request-logs.read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const DEVELOPER: readonly Permission[] = ['organization.read', 'api-keys.read', 'api-keys.manage', 'developers.manage', 'request-logs.read'];

/**
 * The built-in access roles (Stripe's Administrator, Developer and View only, plus an Owner).
 * Their id is their name. Owner and admin hold every permission; only an owner makes an owner.
 */
export const BUILT_IN_ROLES = {
  owner: { displayName: 'Owner', permissions: PERMISSIONS },
  admin: { displayName: 'Administrator', permissions: PERMISSIONS },
  developer: { displayName: 'Developer', permissions: DEVELOPER },
  viewer: { displayName: 'Viewer', permissions: ['organization.read', 'request-logs.read'] },
} as const satisfies Record<string, { displayName: string; permissions: readonly Permission[] }>;

export type BuiltInRole = keyof typeof BUILT_IN_ROLES;

export function isBuiltInRole(id: string): id is BuiltInRole {
  return Object.hasOwn(BUILT_IN_ROLES, id);
}

/** How many roles an organization may create: enough for job titles, few enough to read at once. */
export const MAX_CUSTOM_ROLES = 100;

export const roleKeys = {
  pk: (organizationId: string) => `ORG#${organizationId}#ROLE`,
  /** A custom role (`role_...`). */
  role: (organizationId: string, roleId: string) => ({ pk: roleKeys.pk(organizationId), sk: roleId }),
  /** A custom role's name is unique in its organization: this lock item holds it. */
  name: (organizationId: string, name: string) => ({ pk: `ORG#${organizationId}#ROLE_NAME#${name}`, sk: 'ROLE_NAME' }),
  /**
   * How many custom roles the organization has, moved in each create and delete transaction, so
   * that MAX_CUSTOM_ROLES is a condition on it rather than a count read beforehand.
   */
  customCount: (organizationId: string) => ({ pk: `ORG#${organizationId}#ROLE_COUNT`, sk: 'ROLE_COUNT' }),
  /** Who holds a role (built-in or custom): one item per holder, sorted by user id. */
  holdersPk: (organizationId: string, roleId: string) => `ORG#${organizationId}#ROLE#${roleId}#USER`,
  holder: (organizationId: string, roleId: string, userId: string) => ({ pk: roleKeys.holdersPk(organizationId, roleId), sk: userId }),
  /**
   * How many active owners the organization has, kept in every transaction that changes it,
   * so that "the last active owner cannot leave" is a condition, not a count read beforehand.
   */
  activeOwners: (organizationId: string) => ({ pk: `ORG#${organizationId}#ROLE#owner`, sk: 'ACTIVE_OWNERS' }),
};
