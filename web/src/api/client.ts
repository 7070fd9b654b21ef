import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

/**
 * The one client of the management API, typed from its OpenAPI document (schema.d.ts is
 * generated, never edited). The session rides in HttpOnly cookies that page script cannot read:
 * the page only echoes the readable `osma_csrf` cookie in `x-csrf-token` on every call that may
 * change something (the double submit the origin checks), and asks sign-in, refresh and
 * invitation acceptance to answer with cookies (`x-osma-client: browser`) instead of tokens.
 */
const CSRF_COOKIE = 'osma_csrf';
const COOKIE_ANSWER_PATHS = ['/v1/login/', '/v1/refresh-token/', '/v1/accept-invitation/'];
/** Calls that answer 401 for a reason other than an ended session: no refresh is tried for them. */
const NO_REFRESH_PATHS = [...COOKIE_ANSWER_PATHS, '/v1/forgot-password/', '/v1/confirm-forgot-password/'];

export function csrfToken(): string | undefined {
  for (const pair of document.cookie.split(';')) {
    const [name, ...value] = pair.trim().split('=');
    if (name === CSRF_COOKIE) return value.join('=');
  }
  return undefined;
}

function withPageHeaders(request: Request): Request {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    const token = csrfToken();
    if (token) request.headers.set('x-csrf-token', token);
  }
  if (COOKIE_ANSWER_PATHS.includes(new URL(request.url).pathname)) request.headers.set('x-osma-client', 'browser');
  return request;
}

let onSignedOut: () => void = () => undefined;
/** What the app does when the session is gone for good (the sign-in page). */
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

let refreshing: Promise<boolean> | undefined;
/** One refresh at a time: calls that fail together wait on the same one. */
export function refreshSession(): Promise<boolean> {
  const request = new Request(`${location.origin}/v1/refresh-token/`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  refreshing ??= fetch(withPageHeaders(request))
    .then((response) => response.ok)
    .catch(() => false)
    .finally(() => (refreshing = undefined));
  return refreshing;
}

const retries = new Map<string, Request>();

const pageMiddleware: Middleware = {
  onRequest({ request, id }) {
    const prepared = withPageHeaders(request);
    if (!NO_REFRESH_PATHS.includes(new URL(prepared.url).pathname)) retries.set(id, prepared.clone());
    return prepared;
  },
  async onResponse({ response, id }) {
    const retry = retries.get(id);
    retries.delete(id);
    if (response.status !== 401 || !retry) return response;
    // The access token ended: refresh once and replay the call; if that fails, sign in again.
    if (await refreshSession()) {
      const again = await fetch(withPageHeaders(retry));
      if (again.status !== 401) return again;
    }
    onSignedOut();
    return response;
  },
  onError({ id }) {
    retries.delete(id);
  },
};

export const api = createClient<paths>({ baseUrl: location.origin, credentials: 'same-origin' });
api.use(pageMiddleware);

/** What a failed call shows: the API's own `detail`, its code and the answer's `request-id`. */
export interface ApiFailure {
  status: number;
  code: string;
  detail: string;
  requestId: string | null;
  pointer?: string;
}

interface JsonApiErrorBody {
  errors?: { code?: string; detail?: string; title?: string; source?: { pointer?: string; parameter?: string } }[];
}

export function apiFailure(response: Response | undefined, error: unknown): ApiFailure {
  const first = (error as JsonApiErrorBody | undefined)?.errors?.[0];
  return {
    status: response?.status ?? 0,
    code: first?.code ?? (response ? `http_${response.status}` : 'network_error'),
    detail: first?.detail ?? first?.title ?? (response ? `The server answered ${response.status}.` : 'The server could not be reached.'),
    requestId: response?.headers.get('request-id') ?? null,
    pointer: first?.source?.pointer ?? first?.source?.parameter,
  };
}

/** Throws the call's failure, or gives its data. */
export async function must<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch {
    throw apiFailure(undefined, undefined);
  }
  if (result.error !== undefined || !result.response.ok) throw apiFailure(result.response, result.error);
  return result.data as T;
}

export function isApiFailure(value: unknown): value is ApiFailure {
  return typeof value === 'object' && value !== null && 'requestId' in value && 'detail' in value;
}
