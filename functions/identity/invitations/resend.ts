import { resendInvitation } from '#shared/identity/invitations/invitation';
import { sentInvitationDocument } from '#shared/identity/invitations/resource';
import { invitationRoutes } from '#shared/identity/invitations/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(invitationRoutes.resendInvitation, async ({ principal, body, sourceIp, userAgent }) =>
  sentInvitationDocument(await resendInvitation(principal, body, { ip: sourceIp, userAgent })),
);
