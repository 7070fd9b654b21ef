import { listInvitations } from '#shared/identity/invitations/invitation';
import { invitationList, listRequestOf } from '#shared/identity/invitations/resource';
import { invitationRoutes } from '#shared/identity/invitations/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(invitationRoutes.listInvitations, async ({ principal, query }) =>
  invitationList(await listInvitations(principal.organizationId, listRequestOf(query)), listRequestOf(query)),
);
