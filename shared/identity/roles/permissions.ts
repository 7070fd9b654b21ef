import type { SessionPrincipal } from '#shared/identity/principal';
import { errors } from '#shared/platform/errors';

/**
 * The built-in access roles and what each may do (Stripe's Administrator, Developer and View
 * only, plus an Owner). Permissions are a fixed set: roles an organization creates later may
 * hold some of them, never more than their creator holds.
 */
export const PERMISSIONS = [
  'organization.read',
  'organization.write',
  'sessions.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const BUILT_IN_ROLES = {
  owner: { displayName: 'Owner', permissions: PERMISSIONS },
  admin: { displayName: 'Administrator', permissions: PERMISSIONS },
  developer: { displayName: 'Developer', permissions: ['organization.read'] },
  viewer: { displayName: 'Viewer', permissions: ['organization.read'] },
} as const satisfies Record<string, { displayName: string; permissions: readonly Permission[] }>;

export type BuiltInRole = keyof typeof BUILT_IN_ROLES;

export function permissionsOf(roles: readonly string[]): Set<Permission> {
  return new Set(
    roles.flatMap((role) => (Object.hasOwn(BUILT_IN_ROLES, role) ? BUILT_IN_ROLES[role as BuiltInRole].permissions : [])),
  );
}

export function can(principal: SessionPrincipal, permission: Permission): boolean {
  return permissionsOf(principal.roles).has(permission);
}

/** Refuses with a 403 that names what is missing. */
export function requirePermission(principal: SessionPrincipal, permission: Permission): void {
  if (!can(principal, permission)) throw errors.permissionDenied(`Your role does not allow ${permission}.`);
}
