import { acceptInvitation } from '#shared/identity/invitations/accept';
import { invitationRoutes } from '#shared/identity/invitations/routes';
import { identityHandler, signInAnswer } from '#shared/identity/surface';

export const handler = identityHandler(invitationRoutes.acceptInvitation, async ({ body, sourceIp, userAgent, browser }) =>
  signInAnswer(browser, await acceptInvitation(body, { ip: sourceIp, userAgent })),
);
