import { userStateResource } from '#shared/identity/lifecycle/resource';
import { lifecycleRoutes } from '#shared/identity/lifecycle/routes';
import { userState } from '#shared/identity/lifecycle/transitions';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(lifecycleRoutes.getUserState, async ({ principal, params }) => userStateResource(await userState(principal, params.id)));
