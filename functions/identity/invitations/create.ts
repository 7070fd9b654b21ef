import { createInvitation } from '#shared/identity/invitations/invitation';
import { newInvitationOf, sentInvitationDocument } from '#shared/identity/invitations/resource';
import { invitationRoutes } from '#shared/identity/invitations/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(invitationRoutes.createInvitation, async ({ principal, body, sourceIp, userAgent }) =>
  sentInvitationDocument(await createInvitation(principal, newInvitationOf(body.data.attributes), { ip: sourceIp, userAgent })),
);
