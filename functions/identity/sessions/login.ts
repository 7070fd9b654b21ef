import { logIn } from '#shared/identity/logins/login';
import { sessionRoutes } from '#shared/identity/sessions/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(sessionRoutes.logIn, ({ body, sourceIp, userAgent }) => logIn(body, { ip: sourceIp, userAgent }));
