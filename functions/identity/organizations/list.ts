import { organizationOf } from '#shared/identity/organizations/organization';
import { organizationResource } from '#shared/identity/organizations/resource';
import { organizationRoutes } from '#shared/identity/organizations/routes';
import { identityHandler } from '#shared/identity/surface';

// One membership per login for now: the list is the caller's own organization.
export const handler = identityHandler(organizationRoutes.listOrganizations, async ({ principal, query }) => ({
  data: query['page[offset]'] > 0 ? [] : [organizationResource(await organizationOf(principal, principal.organizationId))],
  meta: { page: { limit: query['page[limit]'], offset: query['page[offset]'], total: 1 } },
  links: {},
}));
