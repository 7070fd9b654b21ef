import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { sessionPrincipal, type SessionPrincipal } from '#shared/identity/principal';
import { requirePermission, type Permission } from '#shared/identity/roles/permissions';
import type { IssuedTokens } from '#shared/identity/sessions/session';
import { headerValue } from '#shared/http/authorizer';
import {
  CLIENT_HEADER,
  CSRF_COOKIE,
  parseCookies,
  plainHttpToLoopback,
  REFRESH_COOKIE,
  SESSION_COOKIE,
  setCookie,
} from '#shared/http/cookie-session';
import { HttpAnswer, surfaceHandler, type ApiHandler, type HttpRequest } from '#shared/http/handler';
import { jsonApiErrorResponse } from '#shared/http/jsonapi';
import type { RouteDefinition } from '#shared/http/route';
import type { Surface } from '#shared/http/surface';
import { errors } from '#shared/platform/errors';

/** What a management API handler is given: its input, and the signed-in person on a session route. */
export type IdentityRequest<R extends RouteDefinition> = HttpRequest<R> & {
  principal: R['auth'] extends 'session' ? SessionPrincipal : undefined;
  /** The caller's address, for throttling and the audit log. */
  sourceIp: string;
  userAgent: string | undefined;
  browser: BrowserClient;
};

/** What a request says about a browser's cookie session (docs/management-api.md, "Browsers"). */
export interface BrowserClient {
  /** It sent `x-osma-client: browser`: a sign-in or refresh answers with cookies, not tokens. */
  wantsCookies: boolean;
  cookies: Record<string, string | undefined>;
  /** Whether cookies set for it must be Secure: everywhere but plain http to this machine. */
  secure: boolean;
}

/**
 * The management API's surface: a session (a bearer access token, checked by the session
 * authorizer; a browser's cookie becomes one at the origin) resolved to a person, an
 * organization and roles, not to a mode; errors in JSON:API's format. Its guarantees are the
 * checks each route makes (roles, login throttling), not middleware: there is no dated
 * versioning, rate limiting per mode or idempotency key here.
 */
export const managementSurface: Surface<{
  principal: SessionPrincipal | undefined;
  sourceIp: string;
  userAgent: string | undefined;
  browser: BrowserClient;
}> = {
  context: (event, route) => ({
    principal: route.auth === 'session' ? allowedPrincipal(event, route) : undefined,
    sourceIp: event.requestContext.identity?.sourceIp ?? '',
    userAgent: event.requestContext.identity?.userAgent ?? undefined,
    browser: browserClient(event),
  }),
  outer: () => [],
  inner: () => [],
  logFields: (event) => {
    const principal = sessionPrincipal(event);
    return { organization_id: principal?.organizationId, user_id: principal?.userId };
  },
  renderError: jsonApiErrorResponse,
};

/** A management API route's Lambda handler: one line per route in functions/identity/. */
export function identityHandler<R extends RouteDefinition>(
  route: R,
  handle: (request: IdentityRequest<R>) => Promise<unknown>,
): ApiHandler {
  return surfaceHandler(managementSurface, route, handle as Parameters<typeof surfaceHandler<object, R>>[2]);
}

/** The signed-in person, once the route's permission is checked: 403 `forbidden` otherwise. */
function allowedPrincipal(event: APIGatewayProxyEvent, route: RouteDefinition): SessionPrincipal {
  const principal = sessionPrincipal(event);
  // The session authorizer always sets it; its absence means the route was wired without it.
  if (!principal) throw errors.notAuthenticated();
  if (route.permission === undefined) throw new Error(`route ${route.operationId} names no permission`);
  if (route.permission !== SELF) requirePermission(principal, route.permission as Permission);
  return principal;
}

/** The `permission` of a route any signed-in person may call about themselves. */
export const SELF = 'self';

function browserClient(event: Pick<APIGatewayProxyEvent, 'headers'>): BrowserClient {
  const header = (name: string) => headerValue(event.headers, name);
  return {
    wantsCookies: header(CLIENT_HEADER)?.trim().toLowerCase() === 'browser',
    cookies: parseCookies(header('cookie')),
    secure: !plainHttpToLoopback(header('host'), header('x-forwarded-proto')),
  };
}

/*
 * A browser's session in cookies. The access token goes to every call under /v1/; the refresh
 * token only to the refresh route (the path without its slash matches the route with and
 * without it, and nothing else); the CSRF token, which the page must read, to every path.
 * The origin turns the first into the bearer token and checks the last (cookie-session.ts).
 */
const SESSION_COOKIE_PATH = '/v1/';
const REFRESH_COOKIE_PATH = '/v1/refresh-token';
const CSRF_COOKIE_PATH = '/';
const CSRF_TOKEN = /^[\w-]{43}$/;

/** A sign-in's answer: the tokens in the body, or for a browser in cookies, with a new CSRF token. */
export function signInAnswer<T extends IssuedTokens>(browser: BrowserClient, answer: T): T | HttpAnswer {
  return browser.wantsCookies ? cookieAnswer(browser, answer, newCsrfToken()) : answer;
}

/**
 * A refresh's answer, as a sign-in's, but a browser keeps its CSRF token, so that the page's
 * calls in flight across the refresh still pass.
 */
export function refreshAnswer<T extends IssuedTokens>(browser: BrowserClient, answer: T): T | HttpAnswer {
  if (!browser.wantsCookies) return answer;
  const current = browser.cookies[CSRF_COOKIE];
  return cookieAnswer(browser, answer, current && CSRF_TOKEN.test(current) ? current : newCsrfToken());
}

/** The refresh token to use: the body's, else a browser's cookie. */
export function refreshTokenOf(body: { 'refresh-token'?: string }, browser: BrowserClient): string {
  const token = body['refresh-token'] ?? (browser.wantsCookies ? browser.cookies[REFRESH_COOKIE] : undefined);
  if (!token) throw errors.parameterMissing([{ param: 'refresh-token', message: 'refresh-token is required', in: 'body' }]);
  return token;
}

/** A sign-out's answer: a browser that ended its own session loses its cookies. */
export function signOutAnswer(browser: BrowserClient, principal: SessionPrincipal, endedSessionId: string): HttpAnswer | undefined {
  const byCookie = browser.wantsCookies || browser.cookies[SESSION_COOKIE] !== undefined;
  if (!byCookie || endedSessionId !== principal.sessionId) return undefined;
  return new HttpAnswer(undefined, { 'set-cookie': sessionCookies(browser, { session: '', refresh: '', csrf: '' }, 0, 0) });
}

/** The answer without its tokens, which go into HttpOnly cookies: page script never sees one. */
function cookieAnswer<T extends IssuedTokens>(browser: BrowserClient, answer: T, csrf: string): HttpAnswer {
  const { 'access-token': session, 'refresh-token': refresh, ...body } = answer;
  const sessionSeconds = answer['refresh-expires-in'];
  // An access token that outlives its session is refused anyway; the CSRF cookie must outlive it.
  const accessSeconds = Math.min(answer['expires-in'], sessionSeconds);
  return new HttpAnswer(body, { 'set-cookie': sessionCookies(browser, { session, refresh, csrf }, accessSeconds, sessionSeconds) });
}

function sessionCookies(
  browser: BrowserClient,
  values: { session: string; refresh: string; csrf: string },
  accessSeconds: number,
  sessionSeconds: number,
): string[] {
  const { secure } = browser;
  return [
    setCookie(SESSION_COOKIE, values.session, { path: SESSION_COOKIE_PATH, maxAge: accessSeconds, httpOnly: true, secure }),
    setCookie(REFRESH_COOKIE, values.refresh, { path: REFRESH_COOKIE_PATH, maxAge: sessionSeconds, httpOnly: true, secure }),
    setCookie(CSRF_COOKIE, values.csrf, { path: CSRF_COOKIE_PATH, maxAge: sessionSeconds, httpOnly: false, secure }),
  ];
}

function newCsrfToken(): string {
  return randomBytes(32).toString('base64url');
}
