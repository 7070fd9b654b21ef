import { createRole } from '#shared/identity/roles/role';
import { roleResource } from '#shared/identity/roles/resource';
import { roleRoutes } from '#shared/identity/roles/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(roleRoutes.createRole, async ({ principal, body, sourceIp, userAgent }) => ({
  data: roleResource(await createRole(principal, body.data.attributes, { ip: sourceIp, userAgent })),
  meta: {},
}));
