import { changePassword } from '#shared/identity/passwords/change';
import { passwordRoutes } from '#shared/identity/passwords/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(passwordRoutes.changePassword, ({ principal, params, body, sourceIp, userAgent }) =>
  changePassword(principal, params.id, body, { ip: sourceIp, userAgent }),
);
