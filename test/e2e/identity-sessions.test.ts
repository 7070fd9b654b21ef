import { describe, expect, it } from 'vitest';
import { call, stack } from '#test/support/api';
import { logIn, manage, newPerson, owner } from '#test/support/management';

describe('POST /v1/login/', () => {
  it('signs the seeded owner in with the seed body and answers the session and who signed in', async () => {
    const answer = await manage('POST', '/v1/login/', { body: { username: owner.email, password: owner.password } });

    expect(answer.status).toBe(201);
    expect(answer.headers.get('request-id')).toBeTruthy();
    expect(answer.body).toMatchObject({
      'token-type': 'Bearer',
      'expires-in': 900,
      username: owner.email,
      email: owner.email,
      organizations: [stack.organizationId],
    });
    expect(answer.body['access-token']).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(answer.body['session-id']).toMatch(/^ses_/);
    expect(answer.body['user-id']).toMatch(/^usr_/);
  });

  it('matches emails case-insensitively, and honours a shorter access token lifetime', async () => {
    const answer = await manage('POST', '/v1/login/', {
      body: { username: `  ${owner.email.toUpperCase()} `, password: owner.password, 'access-token-expiration-seconds': 60 },
    });

    expect(answer.status).toBe(201);
    expect(answer.body['expires-in']).toBe(60);
  });

  it('answers a wrong password and an unknown email alike, so no answer tells whether an email exists', async () => {
    const person = await newPerson();
    const wrongPassword = await manage('POST', '/v1/login/', { body: { username: person.email, password: 'not-the-password' } });
    const unknownEmail = await manage('POST', '/v1/login/', { body: { username: `nobody-${Date.now()}@osma.test`, password: 'not-the-password' } });

    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(unknownEmail.body).toEqual(wrongPassword.body);
    expect(wrongPassword.body.errors[0]).toMatchObject({ status: 401, code: 'invalid_credentials' });
  });

  it('spends a password hash on an unknown email too', async () => {
    const person = await newPerson();
    const timed = async (username: string) => {
      const started = performance.now();
      await manage('POST', '/v1/login/', { body: { username, password: 'not-the-password' } });
      return performance.now() - started;
    };
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      known.push(await timed(person.email));
      unknown.push(await timed(`ghost-${i}-${Date.now()}@osma.test`));
    }

    // Both paths run scrypt: the unknown email is not answered in a fraction of the time.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
  });

  it('throttles a username after 5 failures, even when the password is then right', async () => {
    const person = await newPerson();
    for (let i = 0; i < 5; i++) {
      const failure = await manage('POST', '/v1/login/', { body: { username: person.email, password: `wrong-${i}` } });
      expect(failure.status).toBe(401);
    }

    const right = await manage('POST', '/v1/login/', { body: { username: person.email, password: person.password } });

    expect(right.status).toBe(429);
    expect(right.body.errors[0]).toMatchObject({ status: 429, code: 'too_many_attempts' });
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(right.headers.get('retry-after'))).toBeLessThanOrEqual(15 * 60);
  });

  it('names each invalid field with a JSON pointer, and refuses unknown ones', async () => {
    const answer = await manage('POST', '/v1/login/', {
      body: { username: owner.email, password: '', 'access-token-expiration-seconds': 3601, extra: 1 },
    });

    expect(answer.status).toBe(400);
    const pointers = answer.body.errors.map((error: { source: { pointer: string } }) => error.source.pointer).sort();
    expect(pointers).toEqual(['/access-token-expiration-seconds', '/extra', '/password']);
  });
});

describe('sessions', () => {
  it('tells the caller who they are, and refuses a call with no token or an API key in JSON:API form', async () => {
    const tokens = await logIn();

    const who = await manage('POST', '/v1/authenticate/', { token: tokens['access-token'] });
    const anonymous = await manage('POST', '/v1/authenticate/', {});
    const withApiKey = await manage('POST', '/v1/authenticate/', { headers: { 'osma-api-key': stack.testKey } });

    expect(who.status).toBe(201);
    expect(who.body.data).toEqual({
      email: owner.email,
      'organization-id': stack.organizationId,
      roles: ['owner'],
      'session-id': tokens['session-id'],
      'user-id': tokens['user-id'],
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors[0]).toMatchObject({ status: 401, code: 'not_authenticated' });
    expect(withApiKey.status).toBe(401);
  });

  it('refuses an access token on the public API', async () => {
    const tokens = await logIn();

    const answer = await call('GET', '/members', { key: tokens['access-token'] });

    expect(answer.status).toBe(401);
  });

  it('rotates the refresh token, and a reused one ends the whole session', async () => {
    const first = await logIn();
    const refreshed = await manage('POST', '/v1/refresh-token/', { body: { 'refresh-token': first['refresh-token'] } });
    expect(refreshed.status).toBe(201);
    expect(refreshed.body['refresh-token']).not.toBe(first['refresh-token']);
    expect(refreshed.body['session-id']).toBe(first['session-id']);
    expect((await manage('POST', '/v1/authenticate/', { token: refreshed.body['access-token'] })).status).toBe(201);

    const reused = await manage('POST', '/v1/refresh-token/', { body: { 'refresh-token': first['refresh-token'] } });

    expect(reused.status).toBe(401);
    expect(reused.body.errors[0].code).toBe('refresh_token_reused');
    expect((await manage('POST', '/v1/refresh-token/', { body: { 'refresh-token': refreshed.body['refresh-token'] } })).status).toBe(401);
    expect((await manage('POST', '/v1/authenticate/', { token: refreshed.body['access-token'] })).status).toBe(401);
    expect((await manage('POST', '/v1/authenticate/', { token: first['access-token'] })).status).toBe(401);
  });

  it('lets exactly one of many racing refreshes with one token win, and ends the session', async () => {
    const tokens = await logIn();

    const answers = await Promise.all(
      Array.from({ length: 5 }, () => manage('POST', '/v1/refresh-token/', { body: { 'refresh-token': tokens['refresh-token'] } })),
    );

    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(1);
    expect(answers.filter((answer) => answer.status === 401)).toHaveLength(4);
    // The losers were reuses: the session is over for everyone.
    const winner = answers.find((answer) => answer.status === 201)!;
    expect((await manage('POST', '/v1/authenticate/', { token: winner.body['access-token'] })).status).toBe(401);
  });

  it('refuses a refresh token that never existed', async () => {
    const answer = await manage('POST', '/v1/refresh-token/', { body: { 'refresh-token': 'made-up' } });

    expect(answer.status).toBe(401);
    expect(answer.body.errors[0].code).toBe('refresh_token_invalid');
  });

  it('signs out with DELETE /v1/sessions/{id}/: the tokens are refused afterwards, and an owner sees the ended session', async () => {
    const session = await logIn();
    const other = await logIn();
    const seen = await manage('GET', `/v1/sessions/${session['session-id']}/`, { token: session['access-token'] });
    expect(seen.status).toBe(200);
    expect(seen.body.data).toMatchObject({ type: 'sessions', id: session['session-id'], attributes: { status: 'active' } });

    const ended = await manage('DELETE', `/v1/sessions/${session['session-id']}/`, { token: session['access-token'] });

    expect(ended.status).toBe(204);
    expect(ended.text).toBe('');
    expect((await manage('POST', '/v1/authenticate/', { token: session['access-token'] })).status).toBe(401);
    expect((await manage('POST', '/v1/refresh-token/', { body: { 'refresh-token': session['refresh-token'] } })).status).toBe(401);
    const afterwards = await manage('GET', `/v1/sessions/${session['session-id']}/`, { token: other['access-token'] });
    expect(afterwards.body.data.attributes.status).toBe('ended');
    expect(afterwards.body.data.attributes['ended-time']).toBeTruthy();
  });

  it("shows no other organization's session, and no other person's session to a viewer", async () => {
    const mine = await logIn();
    const outsider = await newPerson(['owner']);
    const outsiderTokens = await logIn(outsider.email, outsider.password);
    const viewer = await newPerson(['viewer']);
    const viewerTokens = await logIn(viewer.email, viewer.password);

    const crossTenant = await manage('GET', `/v1/sessions/${mine['session-id']}/`, { token: outsiderTokens['access-token'] });
    const crossTenantEnd = await manage('DELETE', `/v1/sessions/${mine['session-id']}/`, { token: outsiderTokens['access-token'] });
    const notFound = await manage('GET', '/v1/sessions/ses_unknown/', { token: viewerTokens['access-token'] });

    expect(crossTenant.status).toBe(404);
    expect(crossTenantEnd.status).toBe(404);
    expect(notFound.status).toBe(404);
    expect((await manage('POST', '/v1/authenticate/', { token: mine['access-token'] })).status).toBe(201);
  });
});
