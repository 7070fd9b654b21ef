import { getInvitation } from '#shared/identity/invitations/invitation';
import { invitationResource } from '#shared/identity/invitations/resource';
import { invitationRoutes } from '#shared/identity/invitations/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(invitationRoutes.getInvitation, async ({ principal, params }) => ({
  data: invitationResource(await getInvitation(principal.organizationId, params.id)),
  meta: {},
}));
