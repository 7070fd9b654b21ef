import { refreshSession } from '#shared/identity/sessions/session';
import { sessionRoutes } from '#shared/identity/sessions/routes';
import { ACCESS_TOKEN_SECONDS } from '#shared/identity/sessions/tokens';
import { identityHandler, refreshAnswer, refreshTokenOf } from '#shared/identity/surface';

export const handler = identityHandler(sessionRoutes.refreshToken, async ({ body, browser }) =>
  refreshAnswer(
    browser,
    await refreshSession(refreshTokenOf(body, browser), body['access-token-expiration-seconds'] ?? ACCESS_TOKEN_SECONDS.default),
  ),
);
