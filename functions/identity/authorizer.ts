import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { headerValue, policy, wholeApi } from '#shared/http/authorizer';
import { toSessionContext } from '#shared/identity/principal';
import { sessionHolds } from '#shared/identity/sessions/session';
import { verifyAccessToken } from '#shared/identity/sessions/tokens';
import { logger } from '#shared/platform/logger';

/**
 * REQUEST authorizer of the management API on `Authorization: Bearer <access-token>`: the token
 * must be ours and unexpired, its session still active in an active organization, and its person
 * still an active member (one BatchGetItem; a second for custom roles). API Gateway caches the
 * answer per token for OSMA_AUTHORIZER_CACHE_SECONDS, so an ended session, a suspended
 * organization, a deactivated person or a changed role takes effect within that time. The policy covers the
 * whole API, as a cached Allow must hold for every route.
 */
export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const token = bearerToken(event.headers);
  const claims = token ? await verifyAccessToken(token) : undefined;
  const resource = wholeApi(event.methodArn);
  const access = claims && (await sessionHolds(claims));
  if (!claims || !access) {
    logger.info('access token refused', { request_id: event.requestContext.requestId });
    return { principalId: 'anonymous', policyDocument: policy('Deny', resource) };
  }
  return {
    principalId: claims.userId,
    policyDocument: policy('Allow', resource),
    context: { ...toSessionContext({ ...claims, ...access }) },
  };
}

function bearerToken(headers: Record<string, string | undefined> | null): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(headerValue(headers, 'authorization') ?? '')?.[1];
}
