import type { APIGatewayProxyEvent } from 'aws-lambda';
import { sessionPrincipal, type SessionPrincipal } from '#shared/identity/principal';
import { surfaceHandler, type ApiHandler, type HttpRequest } from '#shared/http/handler';
import { jsonApiErrorResponse } from '#shared/http/jsonapi';
import type { RouteDefinition } from '#shared/http/route';
import type { Surface } from '#shared/http/surface';
import { errors } from '#shared/platform/errors';

/** What a management API handler is given: its input, and the signed-in person on a session route. */
export type IdentityRequest<R extends RouteDefinition> = HttpRequest<R> & {
  principal: R['auth'] extends 'session' ? SessionPrincipal : undefined;
  /** The caller's address, for throttling and the audit log. */
  sourceIp: string;
  userAgent: string | undefined;
};

/**
 * The management API's surface: a session (a bearer access token, checked by the session
 * authorizer) resolved to a person, an organization and roles, not to a mode; errors in
 * JSON:API's format. Its guarantees are the checks each route makes (roles, login throttling),
 * not middleware: there is no dated versioning, rate limiting per mode or idempotency key here.
 */
export const managementSurface: Surface<{ principal: SessionPrincipal | undefined; sourceIp: string; userAgent: string | undefined }> = {
  context: (event, route) => ({
    principal: route.auth === 'session' ? requiredPrincipal(event) : undefined,
    sourceIp: event.requestContext.identity?.sourceIp ?? '',
    userAgent: event.requestContext.identity?.userAgent ?? undefined,
  }),
  outer: () => [],
  inner: () => [],
  logFields: (event) => {
    const principal = sessionPrincipal(event);
    return { organization_id: principal?.organizationId, user_id: principal?.userId };
  },
  renderError: jsonApiErrorResponse,
};

/** A management API route's Lambda handler: one line per route in functions/identity/. */
export function identityHandler<R extends RouteDefinition>(
  route: R,
  handle: (request: IdentityRequest<R>) => Promise<unknown>,
): ApiHandler {
  return surfaceHandler(managementSurface, route, handle as Parameters<typeof surfaceHandler<object, R>>[2]);
}

function requiredPrincipal(event: APIGatewayProxyEvent): SessionPrincipal {
  const principal = sessionPrincipal(event);
  // The session authorizer always sets it; its absence means the route was wired without it.
  if (!principal) throw errors.notAuthenticated();
  return principal;
}
