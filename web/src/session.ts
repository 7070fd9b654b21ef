import { BUILT_IN_ROLES, isBuiltInRole, type Permission } from '@osma/roles';
import { api, must } from './api/client';

/** Who is signed in, as `POST /v1/authenticate/` says. */
export interface Me {
  email: string;
  userId: string;
  sessionId: string;
  organizationId: string;
  roles: string[];
}

export async function whoAmI(): Promise<Me> {
  const { data } = await must(api.POST('/v1/authenticate/'));
  return { email: data.email, userId: data['user-id'], sessionId: data['session-id'], organizationId: data['organization-id'], roles: data.roles };
}

/**
 * Whether the page offers an action. The built-in roles' permissions are known here; a job
 * role's are not (they are read on the server), so it offers nothing by itself: the API stays the
 * judge, and its 403 is shown if a call is refused anyway.
 */
export function can(me: Me | undefined, permission: Permission): boolean {
  if (!me) return false;
  return me.roles.some((role) => isBuiltInRole(role) && (BUILT_IN_ROLES[role].permissions as readonly string[]).includes(permission));
}

export async function signOut(me: Me): Promise<void> {
  await must(api.DELETE('/v1/sessions/{id}/', { params: { path: { id: me.sessionId } } }));
}

/** The dashboard origin's settings (`/config.json`): where the public API is. */
export interface DashboardConfig {
  apiUrl: string;
}

let config: Promise<DashboardConfig> | undefined;
export function dashboardConfig(): Promise<DashboardConfig> {
  config ??= fetch('/config.json', { credentials: 'same-origin' }).then((response) => {
    if (!response.ok) throw new Error(`config.json: ${response.status}`);
    return response.json() as Promise<DashboardConfig>;
  });
  return config;
}
