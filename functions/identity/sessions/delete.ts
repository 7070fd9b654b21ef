import { endSessionFor } from '#shared/identity/sessions/manage';
import { sessionRoutes } from '#shared/identity/sessions/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(sessionRoutes.endSession, ({ principal, params, sourceIp, userAgent }) =>
  endSessionFor(principal, params.id, { ip: sourceIp, userAgent }),
);
