import { revokeInvitation } from '#shared/identity/invitations/invitation';
import { invitationResource } from '#shared/identity/invitations/resource';
import { invitationRoutes } from '#shared/identity/invitations/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(invitationRoutes.revokeInvitation, async ({ principal, params, sourceIp, userAgent }) => ({
  data: invitationResource(await revokeInvitation(principal, params.id, { ip: sourceIp, userAgent })),
  meta: {},
}));
