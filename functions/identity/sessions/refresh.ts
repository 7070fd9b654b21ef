import { refreshSession } from '#shared/identity/sessions/session';
import { sessionRoutes } from '#shared/identity/sessions/routes';
import { ACCESS_TOKEN_SECONDS } from '#shared/identity/sessions/tokens';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(sessionRoutes.refreshToken, ({ body }) =>
  refreshSession(body['refresh-token'], body['access-token-expiration-seconds'] ?? ACCESS_TOKEN_SECONDS.default),
);
