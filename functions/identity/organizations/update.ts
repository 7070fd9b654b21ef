import { changeOrganization } from '#shared/identity/organizations/organization';
import { organizationResource } from '#shared/identity/organizations/resource';
import { organizationRoutes } from '#shared/identity/organizations/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(organizationRoutes.updateOrganization, async ({ principal, params, body, sourceIp, userAgent }) => ({
  data: organizationResource(await changeOrganization(principal, params.id, body.data, { ip: sourceIp, userAgent })),
  meta: {},
}));
