/**
 * Sessions and their refresh tokens. A refresh token is found by its SHA-256 (the table never
 * holds a usable token); each names its session and the generation it was issued at, so a token
 * presented after it was rotated is recognized and ends its session. SDK-free: the CDK reads it.
 */
export const sessionKeys = {
  session: (id: string) => ({ pk: `SESSION#${id}`, sk: 'SESSION' }),
  refreshToken: (hash: string) => ({ pk: `REFRESH#${hash}`, sk: 'REFRESH' }),
};
