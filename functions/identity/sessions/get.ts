import { sessionFor, sessionResource } from '#shared/identity/sessions/manage';
import { sessionRoutes } from '#shared/identity/sessions/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(sessionRoutes.getSession, async ({ principal, params }) => ({
  data: sessionResource(await sessionFor(principal, params.id)),
  meta: {},
}));
