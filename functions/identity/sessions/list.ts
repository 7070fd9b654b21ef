import { ownSessions } from '#shared/identity/sessions/manage';
import { sessionRoutes } from '#shared/identity/sessions/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(sessionRoutes.listOwnSessions, ({ principal, query }) => ownSessions(principal, query));
