import { deleteRole } from '#shared/identity/roles/role';
import { roleRoutes } from '#shared/identity/roles/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(roleRoutes.deleteRole, ({ principal, params, sourceIp, userAgent }) =>
  deleteRole(principal, params.id, { ip: sourceIp, userAgent }),
);
