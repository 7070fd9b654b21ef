import { beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey, storeApiKey } from '#shared/identity/api-keys/api-key';
import { call, type ApiResponse } from '#test/support/api';
import { logIn, manage, newPerson } from '#test/support/management';

/**
 * Request logs: public API calls made with an organization's keys, found again through the
 * management API by the `request-id` header of their answers. Locally the stack hands its
 * request lines to the indexer every 100 ms, so an entry appears a fraction of a second after
 * its answer: the tests poll for it (at most a few seconds on a busy machine).
 */

const POLL_MS = 100;
const POLL_LIMIT_MS = 8_000;

async function until<T>(read: () => Promise<T | undefined>, what: string): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() - started > POLL_LIMIT_MS) throw new Error(`not indexed in ${POLL_LIMIT_MS} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The log of one request, once the indexer wrote it. */
function logOf(token: string, requestId: string) {
  return until(async () => {
    const answer = await manage('GET', `/v1/request-logs/${requestId}/`, { token });
    return answer.status === 200 ? answer.body.data : undefined;
  }, requestId);
}

/** The list's ids for this query, once every id in `expected` is in it. */
async function listed(token: string, query: string, expected: string[]): Promise<string[]> {
  return until(async () => {
    const answer = await manage('GET', `/v1/request-logs/?${query}`, { token });
    expect(answer.status).toBe(200);
    const ids = answer.body.data.map((log: { id: string }) => log.id) as string[];
    return expected.every((id) => ids.includes(id)) ? ids : undefined;
  }, query);
}

const idOf = (answer: ApiResponse) => answer.headers.get('request-id')!;

describe('request logs', () => {
  const secret = `Private-${crypto.randomUUID()}`;
  let viewerToken: string;
  let organizationId: string;
  let started: string;
  let testKeyId: string;
  let liveKeyId: string;
  const calls = {} as Record<'notFound' | 'invalid' | 'created' | 'replayed' | 'read' | 'live', ApiResponse>;

  beforeAll(async () => {
    // Prepare: an organization whose only person is a viewer, and its keys.
    const viewer = await newPerson(['viewer']);
    organizationId = viewer.organizationId;
    viewerToken = (await logIn(viewer.email, viewer.password))['access-token'];
    const testKey = generateApiKey('test');
    const liveKey = generateApiKey('live');
    testKeyId = (await storeApiKey(organizationId, testKey)).id;
    liveKeyId = (await storeApiKey(organizationId, liveKey)).id;
    started = new Date(Date.now() - 1_000).toISOString();

    // Act: a 404, a 400, a creation and its idempotent replay, a read, and a live call.
    const member = { name: secret, email: `${secret.toLowerCase()}@osma.test`, date_of_birth: '1990-01-01', biological_sex: 'female' };
    const headers = { 'idempotency-key': crypto.randomUUID() };
    calls.notFound = await call('GET', `/members/mem_${'0'.repeat(27)}`, { key: testKey });
    calls.invalid = await call('POST', '/members', { key: testKey, body: { email: secret } });
    calls.created = await call('POST', '/members', { key: testKey, body: member, headers });
    calls.replayed = await call('POST', '/members', { key: testKey, body: member, headers });
    calls.read = await call('GET', `/members/${calls.created.body.id}`, { key: testKey });
    calls.live = await call('GET', '/members?limit=1', { key: liveKey });
    expect([calls.notFound.status, calls.invalid.status, calls.created.status, calls.replayed.status]).toEqual([404, 400, 201, 201]);
    expect(calls.replayed.headers.get('idempotent-replayed')).toBe('true');
  });

  it('finds each request by its request-id: what was answered, never what was sent', async () => {
    // Act
    const notFound = await logOf(viewerToken, idOf(calls.notFound));
    const invalid = await logOf(viewerToken, idOf(calls.invalid));
    const created = await logOf(viewerToken, idOf(calls.created));
    const replayed = await logOf(viewerToken, idOf(calls.replayed));
    const live = await logOf(viewerToken, idOf(calls.live));

    // Assess
    expect(notFound).toEqual({
      type: 'request-logs',
      id: idOf(calls.notFound),
      attributes: {
        'created-time': expect.any(String),
        mode: 'test',
        method: 'GET',
        path: `/members/mem_${'0'.repeat(27)}`,
        route: 'GET /members/{id}',
        'operation-id': 'getMember',
        status: 404,
        'duration-ms': expect.any(Number),
        'api-version': calls.notFound.headers.get('osma-api-version'),
        'error-type': 'invalid_request_error',
        'error-code': 'resource_not_found',
        'idempotent-replayed': false,
        'api-key-id': testKeyId,
      },
    });
    expect(Date.parse(notFound.attributes['created-time'])).toBeGreaterThanOrEqual(Date.parse(started));
    expect(invalid.attributes).toMatchObject({ status: 400, route: 'POST /members', 'error-code': 'parameter_missing' });
    expect(created.attributes).toMatchObject({ status: 201, 'error-type': null, 'error-code': null, 'idempotent-replayed': false });
    expect(replayed.attributes).toMatchObject({ status: 201, 'operation-id': 'createMember', 'idempotent-replayed': true });
    expect(live.attributes).toMatchObject({ mode: 'live', status: 200, path: '/members', 'api-key-id': liveKeyId });
    // No body, no query string, no key: the member's name and email were sent, never logged.
    const everything = JSON.stringify([notFound, invalid, created, replayed, live]);
    expect(everything).not.toContain(secret);
    expect(everything.toLowerCase()).not.toContain(secret.toLowerCase());
    expect(everything).not.toContain('limit=1');
    expect(everything).not.toContain('sk_test_');
  });

  it('lists them newest first, by request id, mode, status, route and time', async () => {
    // Prepare
    const ids = Object.fromEntries(Object.entries(calls).map(([name, answer]) => [name, idOf(answer)]));
    const testIds = [ids.notFound!, ids.invalid!, ids.created!, ids.replayed!, ids.read!];

    // Act
    const all = await listed(viewerToken, '', Object.values(ids));
    const byId = await listed(viewerToken, `filter[request-id]=${ids.invalid}`, [ids.invalid!]);
    const live = await listed(viewerToken, 'filter[mode]=live', [ids.live!]);
    const test = await listed(viewerToken, 'filter[mode]=test', testIds);
    const clientErrors = await listed(viewerToken, 'filter[status]=4xx', [ids.notFound!, ids.invalid!]);
    const notFound = await listed(viewerToken, 'filter[status]=404', [ids.notFound!]);
    const created = await listed(viewerToken, 'filter[status]=201&filter[mode]=test', [ids.created!, ids.replayed!]);
    const byOperation = await listed(viewerToken, 'filter[route]=getMember', [ids.notFound!, ids.read!]);
    const byRoute = await listed(viewerToken, `filter[route]=${encodeURIComponent('get /members/{id}')}`, [ids.notFound!, ids.read!]);
    const inRange = await listed(viewerToken, `filter[cmp-created-time]=${encodeURIComponent(`>=${started},<${new Date(Date.now() + 60_000).toISOString()}`)}`, Object.values(ids));
    const before = await manage('GET', `/v1/request-logs/?filter[cmp-created-time]=${encodeURIComponent(`<${started}`)}`, { token: viewerToken });
    const combined = await listed(viewerToken, `filter[request-id]=${ids.notFound}&filter[status]=5xx`, []);

    // Assess
    expect(all).toHaveLength(6);
    const times = (await manage('GET', '/v1/request-logs/', { token: viewerToken })).body.data.map((log: any) => log.attributes['created-time']);
    expect([...times].sort().reverse()).toEqual(times);
    expect(all[0]).toBe(ids.live);
    expect(byId).toEqual([ids.invalid]);
    expect(live).toEqual([ids.live]);
    expect(test.sort()).toEqual([...testIds].sort());
    expect(clientErrors.sort()).toEqual([ids.notFound, ids.invalid].sort());
    expect(notFound).toEqual([ids.notFound]);
    expect(created.sort()).toEqual([ids.created, ids.replayed].sort());
    expect(byOperation.sort()).toEqual([ids.notFound, ids.read].sort());
    expect(byRoute.sort()).toEqual([ids.notFound, ids.read].sort());
    expect(inRange.sort()).toEqual(Object.values(ids).sort());
    expect(before.status).toBe(200);
    expect(before.body.data).toEqual([]);
    expect(combined).toEqual([]);
  });

  it('pages with links.next across both modes, each request once', async () => {
    // Prepare
    await listed(viewerToken, '', Object.values(calls).map(idOf));

    // Act
    const seen: string[] = [];
    let next: string | undefined = '/v1/request-logs/?page[limit]=2';
    let pages = 0;
    while (next) {
      const page: ApiResponse = await manage('GET', next, { token: viewerToken });
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((log: { id: string }) => log.id));
      next = page.body.links.next;
      pages++;
    }
    const skipped = await manage('GET', '/v1/request-logs/?page[limit]=2&page[offset]=4', { token: viewerToken });

    // Assess
    expect(pages).toBe(3);
    expect(seen).toHaveLength(6);
    expect(new Set(seen)).toEqual(new Set(Object.values(calls).map(idOf)));
    expect(skipped.body.data.map((log: { id: string }) => log.id)).toEqual(seen.slice(4));
    expect(skipped.body.links).toEqual({});
  });

  it("answers another organization's request id as not found, in the get and in the list", async () => {
    // Prepare
    const stranger = await newPerson(['owner']);
    const { 'access-token': token } = await logIn(stranger.email, stranger.password);
    const requestId = idOf(calls.notFound);
    await logOf(viewerToken, requestId);

    // Act
    const get = await manage('GET', `/v1/request-logs/${requestId}/`, { token });
    const list = await manage('GET', `/v1/request-logs/?filter[request-id]=${requestId}`, { token });
    const all = await manage('GET', '/v1/request-logs/', { token });

    // Assess
    expect(get.status).toBe(404);
    expect(get.body.errors[0]).toMatchObject({ status: 404, code: 'resource_not_found' });
    expect(list.body.data).toEqual([]);
    expect(all.body.data).toEqual([]);
  });

  it('lets every built-in role read logs, and refuses a person with no role', async () => {
    // Prepare
    const roleless = await newPerson([]);
    const developer = await newPerson(['developer']);

    // Act
    const refused = await manage('GET', '/v1/request-logs/', { token: (await logIn(roleless.email, roleless.password))['access-token'] });
    const refusedOne = await manage('GET', `/v1/request-logs/${idOf(calls.read)}/`, { token: (await logIn(roleless.email, roleless.password))['access-token'] });
    const allowed = await manage('GET', '/v1/request-logs/', { token: (await logIn(developer.email, developer.password))['access-token'] });
    const anonymous = await manage('GET', '/v1/request-logs/', {});

    // Assess
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].code).toBe('forbidden');
    expect(refusedOne.status).toBe(403);
    expect(allowed.status).toBe(200);
    expect(anonymous.status).toBe(401);
  });

  it('indexes every one of many concurrent requests once, with the status each was answered (the rate limiter\'s 429s too)', async () => {
    // Prepare: an organization of its own, at the contract's 20 requests per second in test mode.
    const person = await newPerson(['viewer']);
    const token = (await logIn(person.email, person.password))['access-token'];
    const key = generateApiKey('test');
    await storeApiKey(person.organizationId, key);

    // Act
    const answers = await Promise.all(Array.from({ length: 30 }, () => call('GET', '/members?limit=1', { key })));
    const ids = answers.map(idOf);
    const listed = await until(async () => {
      const page = await manage('GET', '/v1/request-logs/?page[limit]=100', { token });
      return page.body.data.length >= 30 ? (page.body.data as { id: string; attributes: any }[]) : undefined;
    }, '30 concurrent requests');

    // Assess
    expect(listed.map((log) => log.id).sort()).toEqual([...ids].sort());
    const statusById = new Map(listed.map((log) => [log.id, log.attributes.status]));
    for (const answer of answers) expect(statusById.get(idOf(answer))).toBe(answer.status);
    const limited = listed.filter((log) => log.attributes.status === 429);
    expect(limited.length).toBe(answers.filter((answer) => answer.status === 429).length);
    for (const log of limited) expect(log.attributes['error-type']).toBe('rate_limit_error');
  });

  it('names each bad filter or cursor in a 400, and answers an id that names no request as not found', async () => {
    // Prepare
    const bad: [string, string][] = [
      ['filter[status]=abc', 'filter[status]'],
      ['filter[status]=6xx', 'filter[status]'],
      ['filter[mode]=sandbox', 'filter[mode]'],
      ['filter[route]=DROP%20TABLE', 'filter[route]'],
      [`filter[route]=${'a'.repeat(5_000)}`, 'filter[route]'],
      ['filter[request-id]=%3Cscript%3E', 'filter[request-id]'],
      ['filter[cmp-created-time]=yesterday', 'filter[cmp-created-time]'],
      ['filter[cmp-created-time]=%3E2025-01-01T00:00:00Z,%3E2025-02-01T00:00:00Z', 'filter[cmp-created-time]'],
      ['filter[cmp-created-time]=%3E2025-01-01T00:00:00', 'filter[cmp-created-time]'],
      ['page[after]=nope', 'page[after]'],
      ['page[limit]=0', 'page[limit]'],
      ['__proto__=1', '__proto__'],
      ['constructor=1', 'constructor'],
    ];

    // Act
    const answers = await Promise.all(bad.map(([query]) => manage('GET', `/v1/request-logs/?${query}`, { token: viewerToken })));
    const odd = await Promise.all(
      ['nope', encodeURIComponent('../../etc'), 'a'.repeat(1_000), '%3Cscript%3E'].map((id) => manage('GET', `/v1/request-logs/${id}/`, { token: viewerToken })),
    );

    // Assess
    answers.forEach((answer, i) => {
      expect(answer.status, bad[i]![0]).toBe(400);
      expect(answer.body.errors.map((error: any) => error.source?.parameter), bad[i]![0]).toContain(bad[i]![1]);
    });
    for (const answer of odd) expect(answer.status).toBe(404);
  });
});
