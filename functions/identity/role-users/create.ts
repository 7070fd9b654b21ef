import { assignRole } from '#shared/identity/roles/assign';
import { roleUserResource } from '#shared/identity/roles/resource';
import { roleUserRoutes } from '#shared/identity/roles/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(roleUserRoutes.assignRoleUser, async ({ principal, body, sourceIp, userAgent }) => ({
  data: roleUserResource(await assignRole(principal, body.data.attributes, { ip: sourceIp, userAgent })),
  meta: {},
}));
