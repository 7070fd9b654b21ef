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
