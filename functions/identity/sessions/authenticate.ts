import { sessionRoutes } from '#shared/identity/sessions/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(sessionRoutes.authenticate, async ({ principal }) => ({
  data: {
    email: principal.email,
    'organization-id': principal.organizationId,
    roles: principal.roles,
    'session-id': principal.sessionId,
    'user-id': principal.userId,
  },
}));
