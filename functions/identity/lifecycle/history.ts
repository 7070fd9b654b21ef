import { transitionListDocument } from '#shared/identity/lifecycle/resource';
import { lifecycleRoutes } from '#shared/identity/lifecycle/routes';
import { userTransitions } from '#shared/identity/lifecycle/transitions';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(lifecycleRoutes.listUserStateTransitions, async ({ principal, params, query }) =>
  transitionListDocument(params.id, await userTransitions(principal, params.id, query)),
);
