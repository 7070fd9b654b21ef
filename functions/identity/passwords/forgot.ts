import { requestPasswordReset } from '#shared/identity/passwords/reset';
import { passwordRoutes } from '#shared/identity/passwords/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(passwordRoutes.forgotPassword, async ({ body, sourceIp }) => {
  await requestPasswordReset(body.username, { ip: sourceIp });
  return {};
});
