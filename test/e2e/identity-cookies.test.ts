import { describe, expect, it } from 'vitest';
import { stack, type ApiResponse } from '#test/support/api';
import { manage, newPerson } from '#test/support/management';

/**
 * The dashboard in a browser: its session in cookies at the shared origin, never a token in the
 * page. The local gateway plays the CloudFront Function of the deployed origin.
 */

interface SetCookie {
  value: string;
  attributes: Record<string, string | true>;
}

/** The answer's Set-Cookie headers by cookie name, each with its attributes (names in lower case). */
function setCookies(answer: ApiResponse): Record<string, SetCookie> {
  const cookies: Record<string, SetCookie> = {};
  for (const line of answer.headers.getSetCookie()) {
    const [pair, ...attributes] = line.split(';').map((part) => part.trim());
    const [name, ...value] = pair!.split('=');
    cookies[name!] = {
      value: value.join('='),
      attributes: Object.fromEntries(
        attributes.map((attribute) => {
          const [key, ...rest] = attribute.split('=');
          return [key!.toLowerCase(), rest.length ? rest.join('=') : true];
        }),
      ),
    };
  }
  return cookies;
}

/** What a browser holds after a sign-in: the three cookies' values. */
interface Jar {
  session: string;
  refresh: string;
  csrf: string;
}

const jarOf = (answer: ApiResponse): Jar => {
  const cookies = setCookies(answer);
  return { session: cookies.osma_session!.value, refresh: cookies.osma_refresh!.value, csrf: cookies.osma_csrf!.value };
};

/** The Cookie header a browser sends to a path under /v1/ (the refresh cookie only goes to its route). */
const cookieHeader = (jar: Jar, path: string) =>
  [`osma_session=${jar.session}`, ...(path.startsWith('/v1/refresh-token') ? [`osma_refresh=${jar.refresh}`] : []), `osma_csrf=${jar.csrf}`].join('; ');

/** A call the dashboard's page makes: cookies, and the CSRF header unless `csrf` is false. */
function fromPage(method: string, path: string, jar: Jar, options: { csrf?: boolean; headers?: Record<string, string>; body?: unknown } = {}) {
  return manage(method, path, {
    body: options.body,
    headers: {
      cookie: cookieHeader(jar, path),
      ...(options.csrf !== false && { 'x-csrf-token': jar.csrf }),
      ...options.headers,
    },
  });
}

async function browserLogIn() {
  const person = await newPerson(['owner']);
  const answer = await manage('POST', '/v1/login/', {
    body: { username: person.email, password: person.password },
    headers: { 'x-osma-client': 'browser' },
  });
  expect(answer.status).toBe(201);
  return { person, answer, jar: jarOf(answer) };
}

const organizationPatch = (id: string, displayName: string) => ({
  data: { type: 'organizations', id, attributes: { 'display-name': displayName } },
});

describe('a browser signing in', () => {
  it('gets three SameSite=Strict cookies, the tokens HttpOnly and scoped to /v1/, and no token in the body', async () => {
    const { person, answer } = await browserLogIn();

    const cookies = setCookies(answer);
    expect(Object.keys(cookies).sort()).toEqual(['osma_csrf', 'osma_refresh', 'osma_session']);
    expect(cookies.osma_session!.value).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(cookies.osma_session!.attributes).toEqual({ path: '/v1/', 'max-age': '900', samesite: 'Strict', httponly: true });
    // The session's remaining life: 30 days, less the second that may have begun since it started.
    const sessionSeconds = { 'max-age': expect.toSatisfy((seconds: string) => Math.abs(Number(seconds) - 30 * 24 * 3600) <= 1) };
    expect(cookies.osma_refresh!.attributes).toEqual({ path: '/v1/refresh-token', ...sessionSeconds, samesite: 'Strict', httponly: true });
    // The page reads this one, so it is not HttpOnly; nothing is Secure on plain http to localhost.
    expect(cookies.osma_csrf!.attributes).toEqual({ path: '/', ...sessionSeconds, samesite: 'Strict' });
    expect(answer.body).not.toHaveProperty('access-token');
    expect(answer.body).not.toHaveProperty('refresh-token');
    expect(answer.text).not.toContain(cookies.osma_session!.value);
    expect(answer.text).not.toContain(cookies.osma_refresh!.value);
    expect(answer.body).toMatchObject({ 'user-id': person.userId, email: person.email, 'expires-in': 900, 'session-id': expect.stringMatching(/^ses_/) });
  });
});

describe('a browser signed in by cookie', () => {
  it('reads with the cookie alone', async () => {
    const { answer, jar } = await browserLogIn();

    const session = await fromPage('GET', `/v1/sessions/${answer.body['session-id']}/`, jar, { csrf: false });

    expect(session.status).toBe(200);
    expect(session.body.data.id).toBe(answer.body['session-id']);
  });

  it('changes something only with the CSRF header that echoes the osma_csrf cookie', async () => {
    const { person, jar } = await browserLogIn();
    const path = `/v1/organizations/${person.organizationId}/`;

    const withoutHeader = await fromPage('PATCH', path, jar, { csrf: false, body: organizationPatch(person.organizationId, 'Forged') });
    const wrongHeader = await fromPage('PATCH', path, jar, {
      headers: { 'x-csrf-token': 'x'.repeat(43) },
      body: organizationPatch(person.organizationId, 'Forged'),
    });
    const withHeader = await fromPage('PATCH', path, jar, { body: organizationPatch(person.organizationId, 'From the page') });

    expect(withoutHeader.status).toBe(403);
    expect(withoutHeader.headers.get('content-type')).toContain('application/json');
    expect(withoutHeader.headers.get('request-id')).toBeTruthy();
    expect(withoutHeader.body.errors[0]).toMatchObject({ status: 403, code: 'csrf_check_failed' });
    expect(wrongHeader.status).toBe(403);
    expect(withHeader.status).toBe(200);
    expect(withHeader.body.data.attributes['display-name']).toBe('From the page');
  });

  it('is refused a state-changing call from another origin, even with the CSRF header', async () => {
    const { person, jar } = await browserLogIn();
    const path = `/v1/organizations/${person.organizationId}/`;

    const crossSite = await fromPage('PATCH', path, jar, {
      headers: { origin: 'https://evil.example' },
      body: organizationPatch(person.organizationId, 'Forged'),
    });
    const sameOrigin = await fromPage('PATCH', path, jar, {
      headers: { origin: stack.url, 'sec-fetch-site': 'same-origin' },
      body: organizationPatch(person.organizationId, 'Same origin'),
    });

    expect(crossSite.status).toBe(403);
    expect(crossSite.body.errors[0].code).toBe('csrf_check_failed');
    expect(sameOrigin.status).toBe(200);
    const now = await fromPage('GET', path, jar);
    expect(now.body.data.attributes['display-name']).toBe('Same origin');
  });

  it('refreshes by cookie: new cookies, the old refresh token used up, the CSRF token kept', async () => {
    const { answer, jar } = await browserLogIn();
    const refresh = (from: Jar, csrf = true) =>
      fromPage('POST', '/v1/refresh-token/', from, { csrf, headers: { 'x-osma-client': 'browser' }, body: {} });

    const withoutCsrf = await refresh(jar, false);
    const refreshed = await refresh(jar);

    expect(withoutCsrf.status).toBe(403);
    expect(refreshed.status).toBe(201);
    expect(refreshed.body).not.toHaveProperty('access-token');
    expect(refreshed.body).not.toHaveProperty('refresh-token');
    expect(refreshed.body['session-id']).toBe(answer.body['session-id']);
    const next = jarOf(refreshed);
    expect(next.refresh).not.toBe(jar.refresh);
    // (The access token may equal the old one: same claims signed within the same second.)
    expect(next.csrf).toBe(jar.csrf);
    expect(setCookies(refreshed).osma_session!.attributes).toMatchObject({ httponly: true, path: '/v1/' });
    expect((await fromPage('POST', '/v1/authenticate/', next)).status).toBe(201);
    // The old refresh cookie is used up: offering it again is a reuse, which ends the session.
    const reused = await refresh(jar);
    expect(reused.status).toBe(401);
    expect(reused.body.errors[0].code).toBe('refresh_token_reused');
  });

  it('is asked for the refresh token when it holds no refresh cookie', async () => {
    const { jar } = await browserLogIn();

    const answer = await manage('POST', '/v1/refresh-token/', {
      body: {},
      headers: { 'x-osma-client': 'browser', cookie: `osma_session=${jar.session}; osma_csrf=${jar.csrf}`, 'x-csrf-token': jar.csrf },
    });

    expect(answer.status).toBe(400);
    expect(answer.body.errors[0]).toMatchObject({ code: 'parameter_missing', source: { pointer: '/refresh-token' } });
  });

  it('signs out: its cookies are cleared, and the old session cookie is refused afterwards', async () => {
    const { answer, jar } = await browserLogIn();
    const path = `/v1/sessions/${answer.body['session-id']}/`;

    const withoutCsrf = await fromPage('DELETE', path, jar, { csrf: false });
    const ended = await fromPage('DELETE', path, jar);

    expect(withoutCsrf.status).toBe(403);
    expect(ended.status).toBe(204);
    const cleared = setCookies(ended);
    expect(Object.keys(cleared).sort()).toEqual(['osma_csrf', 'osma_refresh', 'osma_session']);
    for (const cookie of Object.values(cleared)) {
      expect(cookie.value).toBe('');
      expect(cookie.attributes['max-age']).toBe('0');
    }
    expect(cleared.osma_refresh!.attributes.path).toBe('/v1/refresh-token');
    expect((await fromPage('GET', path, jar)).status).toBe(401);
  });
});

describe('a client with a bearer token', () => {
  it('still gets its tokens in the body, sets no cookie, and needs no CSRF header', async () => {
    const person = await newPerson(['owner']);
    const login = await manage('POST', '/v1/login/', { body: { username: person.email, password: person.password } });
    const token = login.body['access-token'];

    const who = await manage('POST', '/v1/authenticate/', { token });
    const changed = await manage('PATCH', `/v1/organizations/${person.organizationId}/`, {
      token,
      body: organizationPatch(person.organizationId, 'By script'),
    });
    const ended = await manage('DELETE', `/v1/sessions/${login.body['session-id']}/`, { token });

    expect(login.status).toBe(201);
    expect(login.headers.getSetCookie()).toEqual([]);
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(login.body['refresh-token']).toBeTruthy();
    expect(who.status).toBe(201);
    expect(changed.status).toBe(200);
    expect(ended.status).toBe(204);
    expect(ended.headers.getSetCookie()).toEqual([]);
  });
});
