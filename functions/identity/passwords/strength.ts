import { passwordRoutes } from '#shared/identity/passwords/routes';
import { passwordStrength } from '#shared/identity/passwords/strength';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(passwordRoutes.passwordStrength, async ({ body }) => passwordStrength(body.password));
