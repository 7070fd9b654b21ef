import {
  DEFAULT_4XX_TEMPLATE,
  GATEWAY_RESPONSES,
  METHOD_NOT_ALLOWED_BODY,
} from '#shared/api/gateway-responses';
import { guaranteeTableAccess } from '#shared/api/guarantees';
import { routeList } from '#shared/api/routes';
import { authorizerCacheSeconds } from '#shared/http/authorizer-cache';
import type { PlaneDescription } from '#shared/http/plane';
import { apiKeyKeys } from '#shared/identity/api-keys/keys';

/** The public Osma API, as the CDK stack and the local gateway build it. */
export const publicPlane: PlaneDescription = {
  name: 'api',
  title: 'Osma API',
  basePath: '',
  routes: routeList,
  authorizer: {
    handler: 'api/authorizer',
    header: 'osma-api-key',
    cacheSeconds: authorizerCacheSeconds(),
    tableWrites: apiKeyKeys.authorizerWrites,
  },
  gatewayResponses: GATEWAY_RESPONSES,
  errorBody: (error) => error.toBody(),
  default4xxTemplate: DEFAULT_4XX_TEMPLATE,
  methodNotAllowedBody: METHOD_NOT_ALLOWED_BODY,
  guaranteeTableAccess,
};
