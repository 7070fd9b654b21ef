import { deleteTotpFor } from '#shared/identity/mfa/manage';
import { mfaTotpRoutes } from '#shared/identity/mfa/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(mfaTotpRoutes.deleteMfaTotp, ({ principal, params }) => deleteTotpFor(principal, params.id));
