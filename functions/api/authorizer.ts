import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { headerValue, policy, wholeApi } from '#shared/http/authorizer';
import { noteKeyUse, resolveApiKey } from '#shared/identity/api-keys/api-key';
import { toAuthorizerContext } from '#shared/api/principal';
import { logger } from '#shared/platform/logger';
import { getOrganization } from '#shared/identity/organizations/organization';

/**
 * REQUEST authorizer on the `osma-api-key` header. API Gateway caches its answer per key, so
 * the policy covers the whole API: a cached Allow must hold for every route, not only the
 * first one called. An unknown, revoked or expired key (an `expiring` one past its expiry), or
 * a key of a suspended organization, gets a Deny, which the ACCESS_DENIED gateway response
 * turns into the spec's 401 body; a missing header never reaches here (UNAUTHORIZED).
 *
 * The context also carries the organization's settings for the key's mode (rate limit,
 * default API version) and the key's id, so that the cached answer spares every request
 * reading them: two GetItems per key per cache period, none per request. An accepted key's
 * last use is written here, at most once a minute (noteKeyUse), so never on every request.
 */
export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const key = headerValue(event.headers, 'osma-api-key');
  const principal = key ? await resolveApiKey(key) : undefined;
  // Strongly consistent, as the key's record: a suspension or a new default version is seen by the next uncached check.
  const organization = principal ? await getOrganization(principal.organization_id, { consistent: true }) : undefined;
  const resource = wholeApi(event.methodArn);
  if (!principal || !organization || organization.status !== 'active') {
    logger.info('api key rejected', { request_id: event.requestContext.requestId });
    return { principalId: 'anonymous', policyDocument: policy('Deny', resource) };
  }
  await noteKeyUse(principal);
  return {
    principalId: principal.organization_id,
    policyDocument: policy('Allow', resource),
    context: { ...toAuthorizerContext(principal, organization.settings) },
  };
}
