import { apiKeyList } from '#shared/identity/api-keys/resource';
import { apiKeyRoutes } from '#shared/identity/api-keys/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(apiKeyRoutes.listApiKeys, ({ principal, query }) => apiKeyList(principal.organizationId, query));
