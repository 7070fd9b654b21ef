/**
 * Sessions and their refresh tokens. A refresh token is found by its SHA-256 (the table never
 * holds a usable token); each names its session and the generation it was issued at, so a token
 * presented after it was rotated is recognized and ends its session. SDK-free: the CDK reads it.
 *
 * Each session also has an index item in its login's partition (`LOGIN#<login id>`, beside the
 * login's TOTP items), written in the transaction that starts the session and expiring with
 * it, so that a password reset or change finds every session of a login with one strongly
 * consistent Query instead of a Scan.
 */
export const LOGIN_SESSION_PREFIX = 'SESSION#';

export const sessionKeys = {
  session: (id: string) => ({ pk: `SESSION#${id}`, sk: 'SESSION' }),
  refreshToken: (hash: string) => ({ pk: `REFRESH#${hash}`, sk: 'REFRESH' }),
  loginPk: (loginId: string) => `LOGIN#${loginId}`,
  ofLogin: (loginId: string, sessionId: string) => ({ pk: sessionKeys.loginPk(loginId), sk: `${LOGIN_SESSION_PREFIX}${sessionId}` }),
};
