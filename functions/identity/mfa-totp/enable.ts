import { enableTotpFor } from '#shared/identity/mfa/manage';
import { mfaTotpResource } from '#shared/identity/mfa/resource';
import { mfaTotpRoutes } from '#shared/identity/mfa/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(mfaTotpRoutes.enableMfaTotp, async ({ principal, params, body, sourceIp, userAgent }) => ({
  data: mfaTotpResource(await enableTotpFor(principal, params.id, body, { ip: sourceIp, userAgent }), principal.userId),
  meta: {},
}));
