import * as z from 'zod';
import { idPath, listDocument, pageQuery, resourceDocument } from '#shared/http/jsonapi';
import { routeTable } from '#shared/http/route';
import { REFRESH_TOKEN_SECONDS } from '#shared/identity/sessions/session';
import { ACCESS_TOKEN_SECONDS } from '#shared/identity/sessions/tokens';

const accessSeconds = z
  .number({ error: 'access-token-expiration-seconds must be a whole number from 1 to 3600' })
  .int({ error: 'access-token-expiration-seconds must be a whole number from 1 to 3600' })
  .min(1, { error: 'access-token-expiration-seconds must be a whole number from 1 to 3600' })
  .max(ACCESS_TOKEN_SECONDS.max, { error: 'access-token-expiration-seconds must be a whole number from 1 to 3600' })
  .optional()
  .meta({ description: `Access token lifetime in seconds, 1 to 3600; ${ACCESS_TOKEN_SECONDS.default} when not given.` });

const refreshSeconds = z
  .number({ error: `refresh-token-expiration-seconds must be a whole number from 60 to ${REFRESH_TOKEN_SECONDS.max}` })
  .int({ error: `refresh-token-expiration-seconds must be a whole number from 60 to ${REFRESH_TOKEN_SECONDS.max}` })
  .min(60, { error: `refresh-token-expiration-seconds must be a whole number from 60 to ${REFRESH_TOKEN_SECONDS.max}` })
  .max(REFRESH_TOKEN_SECONDS.max, { error: `refresh-token-expiration-seconds must be a whole number from 60 to ${REFRESH_TOKEN_SECONDS.max}` })
  .optional()
  .meta({ description: `How long the session lasts, in seconds; 30 days when not given, at most 90.` });

export const loginBody = z
  .strictObject({
    username: z.string().min(1).max(255).meta({ description: 'The email you sign in with.' }),
    password: z.string().min(1).max(255),
    'totp-code': z.string().max(16).optional().meta({ description: 'A TOTP code, when the login has TOTP enabled.' }),
    'access-token-expiration-seconds': accessSeconds,
    'refresh-token-expiration-seconds': refreshSeconds,
  })
  .meta({ id: 'LoginRequest' });

const BROWSER_NOTE = 'Absent when the request sent `x-osma-client: browser`: the answer then sets it as an HttpOnly cookie.';

const tokens = {
  'access-token': z.string().optional().meta({ description: `The bearer access token. ${BROWSER_NOTE}` }),
  'refresh-token': z.string().optional().meta({ description: `Shown once; replaced at every refresh. ${BROWSER_NOTE}` }),
  'token-type': z.literal('Bearer'),
  'expires-in': z.number().int().meta({ description: 'Seconds until the access token expires.' }),
  'refresh-expires-in': z.number().int().meta({ description: 'Seconds until the session ends and the refresh token with it; a refresh does not extend it.' }),
  'session-id': z.string(),
};

export const loginAnswer = z
  .object({
    ...tokens,
    'user-id': z.string(),
    username: z.string(),
    email: z.string(),
    'first-name': z.string().nullable(),
    'last-name': z.string().nullable(),
    organizations: z.array(z.string()),
  })
  .meta({ id: 'LoginAnswer' });

export const refreshBody = z
  .strictObject({
    'refresh-token': z
      .string()
      .min(1)
      .max(2048)
      .optional()
      .meta({ description: 'Required, unless a browser (`x-osma-client: browser`) holds it in the osma_refresh cookie.' }),
    'access-token-expiration-seconds': accessSeconds,
  })
  .meta({ id: 'RefreshTokenRequest' });

export const refreshAnswer = z.object(tokens).meta({ id: 'RefreshTokenAnswer' });

export const authenticateAnswer = z
  .object({
    data: z.object({
      email: z.string(),
      'organization-id': z.string(),
      roles: z.array(z.string()),
      'session-id': z.string(),
      'user-id': z.string(),
    }),
  })
  .meta({ id: 'AuthenticateAnswer' });

export const SESSION_TYPE = 'sessions';

export const sessionAttributes = z.object({
  'user-id': z.string(),
  status: z.enum(['active', 'ended']),
  'created-time': z.string(),
  'expiration-time': z.string(),
  'ended-time': z.string().nullable(),
  'login-info': z.object({
    email: z.string(),
    'user-id': z.string(),
    'session-id': z.string(),
    organizations: z.array(z.string()),
  }),
});

export const sessionRoutes = routeTable(
  { functions: 'identity/sessions', tag: 'Sessions', auth: 'session' },
  {
    logIn: {
      method: 'POST',
      path: '/v1/login/',
      handler: 'login',
      auth: 'none',
      summary: 'Sign in with an email and password (and a TOTP code when enabled)',
      request: { body: loginBody },
      success: { status: 201, description: 'A new session with its tokens.', schema: loginAnswer },
      errors: [401, 403, 429],
    },
    refreshToken: {
      method: 'POST',
      path: '/v1/refresh-token/',
      handler: 'refresh',
      auth: 'none',
      summary: 'Replace a refresh token with a new one and a new access token',
      request: { body: refreshBody },
      success: { status: 201, description: 'The new tokens; the refresh token given is used up.', schema: refreshAnswer },
      errors: [401],
    },
    authenticate: {
      method: 'POST',
      path: '/v1/authenticate/',
      handler: 'authenticate',
      permission: 'self',
      tableAccess: 'none',
      summary: 'Who is calling: the session behind the access token',
      request: {},
      success: { status: 201, description: 'The caller.', schema: authenticateAnswer },
    },
    listOwnSessions: {
      method: 'GET',
      path: '/v1/sessions/',
      handler: 'list',
      permission: 'self',
      summary: 'List your own active sessions, newest first (the one calling included)',
      request: { query: z.strictObject(pageQuery) },
      success: { status: 200, description: 'Your active, unexpired sessions, newest first.', schema: listDocument(SESSION_TYPE, sessionAttributes) },
    },
    getSession: {
      method: 'GET',
      path: '/v1/sessions/{id}/',
      handler: 'get',
      permission: 'self',
      summary: 'Get a session: your own, or any of your organization if you administer it',
      request: { path: idPath },
      success: { status: 200, description: 'The session.', schema: resourceDocument(SESSION_TYPE, sessionAttributes) },
      errors: [404],
    },
    endSession: {
      method: 'DELETE',
      path: '/v1/sessions/{id}/',
      handler: 'delete',
      permission: 'self',
      summary: 'Sign out: end a session (yours, or any of your organization if you administer it)',
      request: { path: idPath },
      success: { status: 204, description: 'The session has ended; its tokens are refused from now on.', schema: z.null() },
      errors: [404],
    },
  },
);
