import { removeRoleUser } from '#shared/identity/roles/resource';
import { roleRoutes } from '#shared/identity/roles/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(roleRoutes.removeRoleUser, ({ principal, params, body, sourceIp, userAgent }) =>
  removeRoleUser(principal, params.id, body.data, { ip: sourceIp, userAgent }),
);
