import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { ApiKeyPrincipal } from '#shared/identity/api-keys/schemas';
import type { OrganizationSettings } from '#shared/identity/organizations/schemas';
import type { Mode, Scope } from '#shared/platform/table';

/**
 * What the authorizer hands every handler in API Gateway's `requestContext.authorizer`: who
 * the key acts for and the organization's settings for that mode. API Gateway caches it with
 * the key (OSMA_AUTHORIZER_CACHE_SECONDS), so the settings cost no request a read. Context values
 * must be flat strings, numbers or booleans, and REST APIs hand them to the integration as
 * strings, so they are written as strings here and parsed back by `authorizerContext`.
 */
export interface AuthorizerContext {
  organization_id: string;
  mode: Mode;
  /** Requests per second per endpoint for this key's mode. */
  rate_limit: string;
  /** The organization's default API version. */
  api_version: string;
  /** The key's id (`key_...`), for logs and audit: never the key itself. */
  api_key_id: string;
}

export function toAuthorizerContext(principal: ApiKeyPrincipal, settings: OrganizationSettings): AuthorizerContext {
  return {
    organization_id: principal.organization_id,
    mode: principal.mode,
    rate_limit: String(settings.rate_limits[principal.mode]),
    api_version: settings.api_version,
    api_key_id: principal.key_id,
  };
}

export interface RequestPrincipal {
  scope: Scope;
  /** Undefined when the context carries none (then the defaults apply). */
  rateLimit?: number;
  apiVersion?: string;
  /** The key's id, when the context carries one. */
  apiKeyId?: string;
}

/** The principal of an authenticated request, or undefined for a route without a key. */
export function authorizerContext(event: Pick<APIGatewayProxyEvent, 'requestContext'>): RequestPrincipal | undefined {
  const context = event.requestContext.authorizer as Partial<Record<keyof AuthorizerContext, unknown>> | null | undefined;
  const organizationId = context?.organization_id;
  const mode = context?.mode;
  if (typeof organizationId !== 'string' || !organizationId || (mode !== 'test' && mode !== 'live')) return undefined;
  const rateLimit = Number(context?.rate_limit);
  return {
    scope: { organizationId, mode },
    rateLimit: Number.isInteger(rateLimit) && rateLimit > 0 ? rateLimit : undefined,
    apiVersion: typeof context?.api_version === 'string' ? context.api_version : undefined,
    apiKeyId: typeof context?.api_key_id === 'string' && context.api_key_id ? context.api_key_id : undefined,
  };
}
