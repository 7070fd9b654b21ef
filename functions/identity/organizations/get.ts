import { organizationOf } from '#shared/identity/organizations/organization';
import { organizationResource } from '#shared/identity/organizations/resource';
import { organizationRoutes } from '#shared/identity/organizations/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(organizationRoutes.getOrganization, async ({ principal, params }) => ({
  data: organizationResource(await organizationOf(principal, params.id)),
  meta: {},
}));
