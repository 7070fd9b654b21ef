import { userStateResource } from '#shared/identity/lifecycle/resource';
import { lifecycleRoutes } from '#shared/identity/lifecycle/routes';
import { moveUser } from '#shared/identity/lifecycle/transitions';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(lifecycleRoutes.transitionUserState, async ({ principal, params, body, sourceIp, userAgent }) =>
  userStateResource(await moveUser(principal, params.id, body, { ip: sourceIp, userAgent })),
);
