import { renameApiKey } from '#shared/identity/api-keys/manage';
import { apiKeyResource } from '#shared/identity/api-keys/resource';
import { apiKeyRoutes } from '#shared/identity/api-keys/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(apiKeyRoutes.updateApiKey, async ({ principal, params, body, sourceIp, userAgent }) => ({
  data: apiKeyResource(await renameApiKey(principal, params.id, body.data, { ip: sourceIp, userAgent })),
  meta: {},
}));
