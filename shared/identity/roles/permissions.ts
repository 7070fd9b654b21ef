import type { SessionPrincipal } from '#shared/identity/principal';
import { BUILT_IN_ROLES, isBuiltInRole, PERMISSIONS, type Permission } from '#shared/identity/roles/keys';
import { errors } from '#shared/platform/errors';

export { BUILT_IN_ROLES, PERMISSIONS, type Permission, type BuiltInRole } from '#shared/identity/roles/keys';

/** The permissions of a set of roles: the built-in ones' from the table, a custom one's as stored. */
export function permissionsOf(roleIds: readonly string[], custom: ReadonlyMap<string, readonly string[]> = new Map()): Permission[] {
  const held = new Set<string>();
  for (const id of roleIds) {
    for (const permission of isBuiltInRole(id) ? BUILT_IN_ROLES[id].permissions : (custom.get(id) ?? [])) held.add(permission);
  }
  return PERMISSIONS.filter((permission) => held.has(permission));
}

export function can(principal: Pick<SessionPrincipal, 'permissions'>, permission: Permission): boolean {
  return principal.permissions.includes(permission);
}

/** Refuses with a 403 `forbidden` that names what is missing. */
export function requirePermission(principal: Pick<SessionPrincipal, 'permissions'>, permission: Permission): void {
  if (!can(principal, permission)) throw errors.forbidden(`Your role does not allow ${permission}.`);
}

/**
 * Whether the caller may give someone these roles (or take them away): nobody grants a
 * permission they do not hold, and only an owner makes (or unmakes) an owner. 403 otherwise.
 */
export function assertMayGrant(
  principal: Pick<SessionPrincipal, 'permissions' | 'roles'>,
  roles: readonly { id: string; displayName: string; permissions: readonly string[] }[],
): void {
  for (const role of roles) {
    if (role.id === 'owner' && !principal.roles.includes('owner')) throw errors.forbidden('Only an owner may make or unmake an owner.');
    const missing = role.permissions.filter((permission) => !principal.permissions.includes(permission as Permission));
    if (missing.length) {
      throw errors.forbidden(`The role ${role.displayName} allows ${missing.join(', ')}, which your roles do not: nobody grants what they do not hold.`);
    }
  }
}
