import { userDocument } from '#shared/identity/lifecycle/resource';
import { lifecycleRoutes } from '#shared/identity/lifecycle/routes';
import { disableUser } from '#shared/identity/lifecycle/transitions';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(lifecycleRoutes.disableUser, async ({ principal, params, sourceIp, userAgent }) =>
  userDocument(await disableUser(principal, params.id, { ip: sourceIp, userAgent })),
);
