import { organizationList } from '#shared/identity/organizations/resource';
import { organizationRoutes } from '#shared/identity/organizations/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(organizationRoutes.listOrganizations, ({ principal, query }) => organizationList(principal, query));
