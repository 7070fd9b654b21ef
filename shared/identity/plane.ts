import { jsonApiErrors } from '#shared/http/jsonapi';
import type { PlaneDescription } from '#shared/http/plane';
import { authorizerCacheSeconds } from '#shared/http/authorizer-cache';
import { identityRouteList } from '#shared/identity/routes';
import { errors } from '#shared/platform/errors';

/**
 * The management API, as the CDK stack and the local gateway build it: routes under `/v1/`,
 * the session authorizer on `Authorization` (which a browser's session cookie becomes at the
 * origin), and API Gateway's own answers as JSON:API errors.
 */
export const identityPlane: PlaneDescription = {
  name: 'identity',
  title: 'Osma management API',
  basePath: '/v1',
  routes: identityRouteList,
  authorizer: { handler: 'identity/authorizer', header: 'authorization', cacheSeconds: authorizerCacheSeconds() },
  cookieSessions: true,
  gatewayResponses: {
    UNAUTHORIZED: errors.notAuthenticated(),
    ACCESS_DENIED: errors.notAuthenticated(),
    MISSING_AUTHENTICATION_TOKEN: errors.unknownRoute(),
    THROTTLED: errors.rateLimited(),
    REQUEST_TOO_LARGE: errors.bodyTooLarge(),
    DEFAULT_5XX: errors.internal(),
  },
  errorBody: (error) => ({ errors: jsonApiErrors(error) }),
  default4xxTemplate: '{"errors":[{"code":"invalid_request","detail":$context.error.messageString}]}',
  methodNotAllowedBody: JSON.stringify({ errors: jsonApiErrors(errors.methodNotAllowed([])) }),
  guaranteeTableAccess: () => ({ actions: [], leadingKeys: [] }),
};
