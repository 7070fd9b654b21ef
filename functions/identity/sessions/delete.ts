import { endSessionFor } from '#shared/identity/sessions/manage';
import { sessionRoutes } from '#shared/identity/sessions/routes';
import { identityHandler, signOutAnswer } from '#shared/identity/surface';

export const handler = identityHandler(sessionRoutes.endSession, async ({ principal, params, sourceIp, userAgent, browser }) => {
  await endSessionFor(principal, params.id, { ip: sourceIp, userAgent });
  return signOutAnswer(browser, principal, params.id);
});
