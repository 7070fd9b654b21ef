import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Permission } from '#shared/identity/roles/keys';

/**
 * Who a management API request acts for, as the session authorizer hands it to every handler
 * in API Gateway's `requestContext.authorizer` (flat strings, as a REST API passes them on).
 * API Gateway caches it with the access token for OSMA_AUTHORIZER_CACHE_SECONDS, so an ended
 * session, a deactivated person or a changed role takes effect within that time.
 */
export interface SessionContext {
  user_id: string;
  organization_id: string;
  session_id: string;
  /** Role ids (built-in names or `role_...`), comma-separated. */
  roles: string;
  /** What those roles allow, comma-separated. */
  permissions: string;
  email: string;
}

export interface SessionPrincipal {
  userId: string;
  organizationId: string;
  sessionId: string;
  /** The roles the person holds now (the authorizer reads them from their user item). */
  roles: string[];
  permissions: Permission[];
  email: string;
}

export function toSessionContext(principal: SessionPrincipal): SessionContext {
  return {
    user_id: principal.userId,
    organization_id: principal.organizationId,
    session_id: principal.sessionId,
    roles: principal.roles.join(','),
    permissions: principal.permissions.join(','),
    email: principal.email,
  };
}

/** The principal of an authenticated management request, or undefined on an open route. */
export function sessionPrincipal(event: Pick<APIGatewayProxyEvent, 'requestContext'>): SessionPrincipal | undefined {
  const context = event.requestContext.authorizer as Partial<Record<keyof SessionContext, unknown>> | null | undefined;
  const { user_id, organization_id, session_id, roles, permissions, email } = context ?? {};
  if (typeof user_id !== 'string' || typeof organization_id !== 'string' || typeof session_id !== 'string') return undefined;
  return {
    userId: user_id,
    organizationId: organization_id,
    sessionId: session_id,
    roles: list(roles),
    permissions: list(permissions) as Permission[],
    email: typeof email === 'string' ? email : '',
  };
}

function list(value: unknown): string[] {
  return typeof value === 'string' && value ? value.split(',') : [];
}
