import { getRole } from '#shared/identity/roles/role';
import { roleResource } from '#shared/identity/roles/resource';
import { roleRoutes } from '#shared/identity/roles/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(roleRoutes.getRole, async ({ principal, params }) => ({
  data: roleResource(await getRole(principal.organizationId, params.id)),
  meta: {},
}));
