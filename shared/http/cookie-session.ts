/**
 * Browser sessions in cookies, at the origin the dashboard and `/v1/` share (the
 * backend-for-frontend pattern): a browser keeps its access token in an HttpOnly cookie that page
 * script cannot read, and the origin turns that cookie into the `Authorization: Bearer` header
 * the session authorizer reads, so API Gateway's cached REQUEST authorizer, its identity source
 * and the handlers stay exactly as they are for every other client. Before it does, a
 * state-changing call must prove it comes from the dashboard's own page (see `pageCall`).
 *
 * The same code runs at the origin in AWS, as a CloudFront Function on the viewer request
 * (`infra/http/cookie-session-function.ts` builds it from this very file), and in the local
 * gateway, which plays CloudFront; the handlers use its cookie parser and writer. So it imports
 * nothing and is written in the JavaScript of CloudFront Functions' runtime 2.0: ES5.1 with
 * `let`, `const`, arrow functions and template literals, and none of for-of, destructuring,
 * spread, optional chaining, `??`, default parameters or classes. A unit test holds it to that.
 */

/** The access token: HttpOnly, sent to `/v1/` only. */
export const SESSION_COOKIE = 'osma_session';
/** The refresh token: HttpOnly, sent to the refresh route only. */
export const REFRESH_COOKIE = 'osma_refresh';
/** The CSRF token: readable by the page, which echoes it in CSRF_HEADER. */
export const CSRF_COOKIE = 'osma_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** `x-osma-client: browser` asks a sign-in or refresh to answer with cookies instead of tokens. */
export const CLIENT_HEADER = 'x-osma-client';

const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];

export interface OriginRequest {
  method: string;
  /** Header names in lower case, as CloudFront and Node hand them over. */
  headers: Record<string, string | undefined>;
  cookies: Record<string, string | undefined>;
  /** The origin the request was sent to (`https://dashboard.example`), which the page's own calls name in `Origin`. */
  origin: string;
}

export interface OriginVerdict {
  /** Answer 403 `csrf_check_failed` and forward nothing. */
  refuse: boolean;
  /** The `Authorization` header to add before the request goes on, when it rides on the session cookie. */
  authorization: string | undefined;
}

/**
 * What the origin does with a request under `/v1/`. A request that names its own token, or
 * carries none of the session cookies, goes on untouched: a script or server authenticates with
 * its header, and a browser cannot be made to send that header by another site. A request that
 * rides on the cookies and may change something (any method but GET, HEAD, OPTIONS) must pass
 * `pageCall`; then the session cookie, if the browser still holds one, becomes the bearer token.
 */
export function cookieSessionAtOrigin(request: OriginRequest): OriginVerdict {
  const session = request.cookies[SESSION_COOKIE];
  const refresh = request.cookies[REFRESH_COOKIE];
  if (request.headers.authorization || (!session && !refresh)) return { refuse: false, authorization: undefined };
  const safe = SAFE_METHODS.indexOf(request.method.toUpperCase()) >= 0;
  if (!safe && !pageCall(request)) return { refuse: true, authorization: undefined };
  return { refuse: false, authorization: session ? `Bearer ${session}` : undefined };
}

/**
 * Whether a call comes from the dashboard's own page, checked three ways, each closing what
 * another leaves open:
 * - `Origin`, when sent (every current browser sends it on such calls), must be the origin itself:
 *   this refuses a sibling subdomain, which SameSite (same *site*) lets through and which can
 *   plant cookies of its own for the parent domain;
 * - `Sec-Fetch-Site`, when sent, must be `same-origin`;
 * - the `x-csrf-token` header must equal the `osma_csrf` cookie (double submit): another site can
 *   neither read that cookie nor send a custom header here without a CORS preflight, which this
 *   origin never grants.
 */
export function pageCall(request: OriginRequest): boolean {
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== request.origin) return false;
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const token = request.headers[CSRF_HEADER];
  const expected = request.cookies[CSRF_COOKIE];
  return !!token && !!expected && token === expected;
}

/**
 * The cookies of a `Cookie` header by name. The first of a repeated name wins: browsers list the
 * cookie with the longest path first (RFC 6265, 5.4). No prototype, so any name is only a name.
 */
export function parseCookies(header: string | undefined): Record<string, string | undefined> {
  const cookies: Record<string, string | undefined> = Object.create(null);
  if (!header) return cookies;
  const pairs = header.split(';');
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i] as string;
    const equals = pair.indexOf('=');
    if (equals < 0) continue;
    const name = pair.slice(0, equals).trim();
    if (name && cookies[name] === undefined) cookies[name] = pair.slice(equals + 1).trim();
  }
  return cookies;
}

export interface CookieAttributes {
  path: string;
  /** Seconds; 0 deletes the cookie. */
  maxAge: number;
  httpOnly: boolean;
  secure: boolean;
}

/**
 * One `Set-Cookie` value, always SameSite=Strict: the browser sends it only on requests its own
 * site starts, never on a link or form from elsewhere.
 */
export function setCookie(name: string, value: string, attributes: CookieAttributes): string {
  const parts = [`${name}=${value}`, `Path=${attributes.path}`, `Max-Age=${Math.max(0, Math.floor(attributes.maxAge))}`, 'SameSite=Strict'];
  if (attributes.httpOnly) parts.push('HttpOnly');
  if (attributes.secure) parts.push('Secure');
  return parts.join('; ');
}

/**
 * Whether a request came over plain http to this machine (`npm start`): the only place a cookie
 * goes without `Secure`, since a browser may refuse a Secure cookie from plain http (some make
 * an exception for localhost, not all). API Gateway always says `x-forwarded-proto: https`.
 */
export function plainHttpToLoopback(host: string | undefined, forwardedProto: string | undefined): boolean {
  if (forwardedProto && forwardedProto.toLowerCase() !== 'http') return false;
  const hostname = (host || '').toLowerCase().replace(/:\d+$/, '');
  return hostname === 'localhost' || /\.localhost$/.test(hostname) || hostname === '127.0.0.1' || hostname === '[::1]';
}
