import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { guaranteesOf } from '#shared/api/guarantees';
import { authorizerContext } from '#shared/api/principal';
import { apiVersions } from '#shared/api/versions';
import { surfaceHandler, type ApiHandler, type HttpRequest } from '#shared/http/handler';
import { idempotency } from '#shared/http/middleware/idempotency';
import { rateLimit } from '#shared/http/middleware/rate-limit';
import { versionChanges, versionSelection } from '#shared/http/middleware/versioning';
import type { RouteDefinition } from '#shared/http/route';
import type { Surface } from '#shared/http/surface';
import { DEFAULT_RATE_LIMITS } from '#shared/identity/organizations/schemas';
import { errors } from '#shared/platform/errors';
import type { Scope } from '#shared/platform/table';

/** What a public API handler is given: its input, and the organization and mode of the key. */
export type ApiRequest<R extends RouteDefinition> = HttpRequest<R> & {
  scope: R['auth'] extends 'apiKey' ? Scope : undefined;
};

const scopeOf = (event: APIGatewayProxyEvent) => authorizerContext(event)?.scope;

/**
 * The public API's surface: an `osma-api-key` resolved by the authorizer to an organization
 * and mode, and the guarantees the Osma API promises every route: dated versions, a per
 * organization, route and mode rate limit, and idempotency keys on every POST.
 */
export const publicSurface: Surface<{ scope: Scope | undefined }> = {
  context: (event, route) => ({ scope: route.auth === 'apiKey' ? requiredScope(event) : undefined }),
  outer: (route) => [
    versionSelection(apiVersions, (event) => authorizerContext(event)?.apiVersion),
    ...(guaranteesOf(route).rateLimited
      ? [
          rateLimit(route, (event) => {
            const principal = authorizerContext(event);
            return principal && { scope: principal.scope, limit: principal.rateLimit ?? DEFAULT_RATE_LIMITS[principal.scope.mode] };
          }),
        ]
      : []),
  ],
  inner: (route) => [...(guaranteesOf(route).idempotent ? [idempotency(route, scopeOf)] : []), versionChanges(route, apiVersions)],
  // What the request log of each request holds (shared/identity/request-logs/index.ts reads
  // these lines): never a body, a query string or a key, only the key's id.
  logFields: (event, response) => {
    const scope = scopeOf(event);
    const keyId = (event.requestContext.authorizer as Record<string, unknown> | null | undefined)?.api_key_id;
    return {
      plane: 'api',
      organization_id: scope?.organizationId,
      mode: scope?.mode,
      api_key_id: typeof keyId === 'string' && keyId ? keyId : undefined,
      api_version: response.headers?.[apiVersions.header],
      ...errorOf(response),
    };
  },
};

/** The `type` and `code` of an error answer (a replayed one too), read from its body. */
function errorOf(response: APIGatewayProxyResult): { error_type?: string; error_code?: string } {
  if (response.statusCode < 400 || !response.body) return {};
  try {
    const body = JSON.parse(response.body) as { type?: unknown; code?: unknown };
    return {
      error_type: typeof body.type === 'string' ? body.type : undefined,
      error_code: typeof body.code === 'string' ? body.code : undefined,
    };
  } catch {
    return {};
  }
}

/** A public API route's Lambda handler: one line per route in functions/api/. */
export function apiHandler<R extends RouteDefinition>(route: R, handle: (request: ApiRequest<R>) => Promise<unknown>): ApiHandler {
  return surfaceHandler(publicSurface, route, handle as (request: HttpRequest<R> & { scope: Scope | undefined }) => Promise<unknown>);
}

function requiredScope(event: APIGatewayProxyEvent): Scope {
  const scope = scopeOf(event);
  // The authorizer always sets the scope; its absence means the route was wired without it.
  if (!scope) throw errors.missingApiKey();
  return scope;
}
