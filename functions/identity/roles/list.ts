import { roleList } from '#shared/identity/roles/resource';
import { roleRoutes } from '#shared/identity/roles/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(roleRoutes.listRoles, ({ principal, query }) => roleList(principal, query));
