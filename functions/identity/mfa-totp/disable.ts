import { disableTotpFor } from '#shared/identity/mfa/manage';
import { mfaTotpResource } from '#shared/identity/mfa/resource';
import { mfaTotpRoutes } from '#shared/identity/mfa/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(mfaTotpRoutes.disableMfaTotp, async ({ principal, params, body, sourceIp, userAgent }) => ({
  data: mfaTotpResource(await disableTotpFor(principal, params.id, body.password, { ip: sourceIp, userAgent }), principal.userId),
  meta: {},
}));
