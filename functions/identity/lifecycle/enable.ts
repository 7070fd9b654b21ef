import { userDocument } from '#shared/identity/lifecycle/resource';
import { lifecycleRoutes } from '#shared/identity/lifecycle/routes';
import { enableUser } from '#shared/identity/lifecycle/transitions';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(lifecycleRoutes.enableUser, async ({ principal, params, sourceIp, userAgent }) =>
  userDocument(await enableUser(principal, params.id, { ip: sourceIp, userAgent })),
);
