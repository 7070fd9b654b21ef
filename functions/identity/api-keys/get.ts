import { findApiKey } from '#shared/identity/api-keys/manage';
import { apiKeyResource } from '#shared/identity/api-keys/resource';
import { apiKeyRoutes } from '#shared/identity/api-keys/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(apiKeyRoutes.getApiKey, async ({ principal, params }) => ({
  data: apiKeyResource((await findApiKey(principal.organizationId, params.id)).record),
  meta: {},
}));
