import { updateRole } from '#shared/identity/roles/role';
import { roleResource } from '#shared/identity/roles/resource';
import { roleRoutes } from '#shared/identity/roles/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(roleRoutes.updateRole, async ({ principal, params, body, sourceIp, userAgent }) => ({
  data: roleResource(await updateRole(principal, params.id, body.data, { ip: sourceIp, userAgent })),
  meta: {},
}));
