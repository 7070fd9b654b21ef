import { describe, expect, it } from 'vitest';
import { logIn, manage, newPerson } from '#test/support/management';

/** `GET /v1/sessions/`: the caller's own active sessions, for the dashboard's "Your sessions". */
describe('GET /v1/sessions/', () => {
  it('lists your own active sessions newest first, without ended ones or anyone else’s', async () => {
    // Prepare: three sessions of one person, one of them ended; another person of the same organization is an owner too
    const person = await newPerson(['owner']);
    const first = await logIn(person.email, person.password);
    const second = await logIn(person.email, person.password);
    const third = await logIn(person.email, person.password);
    const ended = await manage('DELETE', `/v1/sessions/${second['session-id']}/`, { token: second['access-token'] });
    expect(ended.status, ended.text).toBe(204);
    const stranger = await newPerson(['owner']);
    await logIn(stranger.email, stranger.password);

    // Act
    const answer = await manage('GET', '/v1/sessions/', { token: first['access-token'] });
    const paged = await manage('GET', '/v1/sessions/?page[limit]=1&page[offset]=1', { token: first['access-token'] });

    // Assess
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body.data.map((session: { id: string }) => session.id)).toEqual([third['session-id'], first['session-id']]);
    expect(answer.body.data[0]).toMatchObject({ type: 'sessions', attributes: { status: 'active', 'user-id': person.userId, 'ended-time': null } });
    expect(answer.body.meta.page).toEqual({ limit: 100, offset: 0, total: 2 });
    expect(paged.body.data.map((session: { id: string }) => session.id)).toEqual([first['session-id']]);
  });

  it('is for any signed-in person (a viewer too), refuses bad paging by name, and needs a session', async () => {
    const viewer = await newPerson(['viewer']);
    const { 'access-token': token, 'session-id': sessionId } = await logIn(viewer.email, viewer.password);

    const own = await manage('GET', '/v1/sessions/', { token });
    const badLimit = await manage('GET', '/v1/sessions/?page[limit]=0', { token });
    const oddKey = await manage('GET', '/v1/sessions/?__proto__=1', { token });
    const anonymous = await manage('GET', '/v1/sessions/', {});

    expect(own.status, own.text).toBe(200);
    expect(own.body.data.map((session: { id: string }) => session.id)).toEqual([sessionId]);
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.errors[0].source).toEqual({ parameter: 'page[limit]' });
    expect(oddKey.status).toBe(400);
    expect(anonymous.status).toBe(401);
  });
});
