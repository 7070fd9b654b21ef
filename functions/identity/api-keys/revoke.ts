import { revokeApiKey } from '#shared/identity/api-keys/manage';
import { apiKeyResource } from '#shared/identity/api-keys/resource';
import { apiKeyRoutes } from '#shared/identity/api-keys/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(apiKeyRoutes.revokeApiKey, async ({ principal, params, sourceIp, userAgent }) => ({
  data: apiKeyResource(await revokeApiKey(principal, params.id, { ip: sourceIp, userAgent })),
  meta: {},
}));
