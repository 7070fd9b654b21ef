import { logIn } from '#shared/identity/logins/login';
import { sessionRoutes } from '#shared/identity/sessions/routes';
import { identityHandler, signInAnswer } from '#shared/identity/surface';

export const handler = identityHandler(sessionRoutes.logIn, async ({ body, sourceIp, userAgent, browser }) =>
  signInAnswer(browser, await logIn(body, { ip: sourceIp, userAgent })),
);
