import { roleUserList } from '#shared/identity/roles/resource';
import { roleUserRoutes } from '#shared/identity/roles/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(roleUserRoutes.listRoleUsers, ({ principal, query }) => roleUserList(principal, query));
