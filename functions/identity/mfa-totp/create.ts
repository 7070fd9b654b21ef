import { startTotpSetupFor } from '#shared/identity/mfa/manage';
import { mfaTotpSetupResource } from '#shared/identity/mfa/resource';
import { mfaTotpRoutes } from '#shared/identity/mfa/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(mfaTotpRoutes.startMfaTotpSetup, async ({ principal }) => {
  const { config, secret } = await startTotpSetupFor(principal);
  return { data: mfaTotpSetupResource(config, principal.userId, secret), meta: {} };
});
