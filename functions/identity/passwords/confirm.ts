import { confirmPasswordReset } from '#shared/identity/passwords/reset';
import { passwordRoutes } from '#shared/identity/passwords/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(passwordRoutes.confirmForgotPassword, ({ body, sourceIp, userAgent }) =>
  confirmPasswordReset(body, { ip: sourceIp, userAgent }),
);
