import { totpList } from '#shared/identity/mfa/manage';
import { mfaTotpRoutes } from '#shared/identity/mfa/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(mfaTotpRoutes.listMfaTotp, ({ principal, query }) => totpList(principal, query));
