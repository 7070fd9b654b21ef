import { beforeAll, describe, expect, it } from 'vitest';
import { call, newOrganization, TIMESTAMP } from '#test/support/api';

const MEMBER_FIELDS = [
  'id',
  'created_at',
  'updated_at',
  'name',
  'email',
  'status',
  'status_transitions',
  'date_of_birth',
  'biological_sex',
  'gender_identity',
  'live_mode',
  'metadata',
];

let org: Awaited<ReturnType<typeof newOrganization>>;
let counter = 0;
const uniqueEmail = () => `member${Date.now()}-${counter++}@osma.com`;
const createMember = (body: Record<string, unknown> = {}, key = org.testKey) =>
  call('POST', '/members', { key, body: { name: 'Daisy Demo', email: uniqueEmail(), ...body } });

beforeAll(async () => {
  org = await newOrganization();
});

describe('create a member', () => {
  it('answers 201 with the member object, field for field, for the spec example', async () => {
    // Prepare: the spec's request, sent as its curl does (form content-type, JSON body).
    const body = '{"name": "Daisy Demo", "email": "daisy@osma.com", "date_of_birth": "1993-09-16", "biological_sex": "female"}';

    // Act
    const response = await call('POST', '/members', {
      key: org.testKey,
      rawBody: body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

    // Assess
    expect(response.status).toBe(201);
    expect(Object.keys(response.body)).toEqual(MEMBER_FIELDS);
    expect(response.body).toMatchObject({
      name: 'Daisy Demo',
      email: 'daisy@osma.com',
      status: 'active',
      status_transitions: [],
      date_of_birth: '1993-09-16',
      biological_sex: 'female',
      gender_identity: null,
      live_mode: false,
      metadata: {},
    });
    expect(response.body.id).toMatch(/^mem_[0-9A-Za-z]{27}$/);
    expect(response.body.created_at).toMatch(TIMESTAMP);
    expect(response.body.updated_at).toBe(response.body.created_at);
    expect(response.headers.get('content-type')).toBe('application/json');
  });

  it('marks members made with a live key as live_mode true', async () => {
    const response = await createMember({}, org.liveKey);

    expect(response.status).toBe(201);
    expect(response.body.live_mode).toBe(true);
  });

  it('stores metadata and optional fields', async () => {
    const response = await createMember({
      gender_identity: 'woman',
      biological_sex: 'other',
      metadata: { internal_member_id: '92cb3caf-00ea-4e24-8c30-32e23d2253d5', dropped: null },
    });

    expect(response.status).toBe(201);
    expect(response.body.metadata).toEqual({ internal_member_id: '92cb3caf-00ea-4e24-8c30-32e23d2253d5' });
    expect(response.body.gender_identity).toBe('woman');
    const fetched = await call('GET', `/members/${response.body.id}`, { key: org.testKey });
    expect(fetched.body).toEqual(response.body);
  });

  it('names every missing required parameter with parameter_missing', async () => {
    const response = await call('POST', '/members', { key: org.testKey, body: {} });

    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      type: 'invalid_request_error',
      code: 'parameter_missing',
      message: 'Missing required parameter(s)',
      params: [
        { param: 'name', message: 'name is required' },
        { param: 'email', message: 'email is required' },
      ],
    });
  });

  it.each([
    [{ date_of_birth: '1993-02-30' }, 'date_of_birth', 'date_of_birth must be a valid ISO 8601 date string'],
    [{ date_of_birth: 19930916 }, 'date_of_birth', 'date_of_birth must be a valid ISO 8601 date string'],
    [{ date_of_birth: '2999-01-01' }, 'date_of_birth', 'date_of_birth must not be in the future'],
    [{ biological_sex: 'unknown' }, 'biological_sex', 'biological_sex must be one of: male, female, other'],
    [{ email: 'not-an-email' }, 'email', 'email must be a valid email address'],
    [{ name: 42 }, 'name', 'name must be a string'],
    [{ name: '' }, 'name', 'name must not be empty'],
    [{ metadata: 'text' }, 'metadata', 'metadata must be an object'],
    [{ metadata: { a: 1 } }, 'metadata.a', 'metadata.a must be a string'],
    [{ nickname: 'Dee' }, 'nickname', 'Received unknown parameter: nickname'],
  ])('rejects %j with a 400 naming %s', async (change, param, message) => {
    const response = await createMember(change);

    expect(response.status).toBe(400);
    expect(response.body.type).toBe('invalid_request_error');
    expect(response.body.code).toBeUndefined();
    expect(response.body.message).toBe('Invalid request parameter(s)');
    expect(response.body.params).toEqual([{ param, message }]);
  });

  it('enforces the metadata limits: 50 keys, 50-character keys, 500-character values', async () => {
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    const cases = [
      [{ metadata: tooMany }, 'metadata', 'metadata can have at most 50 keys'],
      [{ metadata: { ['k'.repeat(51)]: 'v' } }, `metadata.${'k'.repeat(51)}`, 'metadata keys can be at most 50 characters'],
      [{ metadata: { long: 'v'.repeat(501) } }, 'metadata.long', 'metadata.long can be at most 500 characters'],
    ] as const;
    for (const [change, param, message] of cases) {
      const response = await createMember(change);
      expect(response.status).toBe(400);
      expect(response.body.params).toEqual([{ param, message }]);
    }
    const atLimit = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`${i}`.padEnd(50, 'k'), 'v'.repeat(500)]));
    expect((await createMember({ metadata: atLimit })).status).toBe(201);
  });

  it('rejects a body that is not JSON, or not an object', async () => {
    const malformed = await call('POST', '/members', { key: org.testKey, rawBody: '{"name": "Daisy",' });
    const array = await call('POST', '/members', { key: org.testKey, rawBody: '[1,2]' });

    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({
      type: 'invalid_request_error',
      message: 'The request body is not valid JSON. Send a JSON object.',
    });
    expect(array.status).toBe(400);
    expect(array.body.message).toBe('The request body must be a JSON object.');
  });
});

describe('email uniqueness', () => {
  it('refuses a second member with the same email, in any letter case, with resource_already_exists', async () => {
    const email = uniqueEmail();
    await createMember({ email });

    const duplicate = await createMember({ email: email.toUpperCase() });

    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ type: 'invalid_request_error', code: 'resource_already_exists' });
    expect(duplicate.body.params).toEqual([{ param: 'email', message: duplicate.body.message }]);
  });

  it('allows the same email in the other mode and in another organization', async () => {
    const email = uniqueEmail();
    const other = await newOrganization();

    const results = await Promise.all([
      createMember({ email }, org.testKey),
      createMember({ email }, org.liveKey),
      createMember({ email }, other.testKey),
    ]);

    expect(results.map((result) => result.status)).toEqual([201, 201, 201]);
  });

  it('leaves exactly one member when many creates race for one email', async () => {
    const racing = await newOrganization();
    const email = uniqueEmail();

    const results = await Promise.all(
      Array.from({ length: 12 }, () => createMember({ email }, racing.testKey)),
    );

    expect(results.filter((result) => result.status === 201)).toHaveLength(1);
    expect(results.filter((result) => result.status === 409)).toHaveLength(11);
    const list = await call('GET', '/members?limit=100', { key: racing.testKey });
    expect(list.body.data.map((member: { email: string }) => member.email)).toEqual([email]);
  });

  it('frees the email when a member is deleted, and refuses an update to a taken email', async () => {
    const taken = uniqueEmail();
    const first = await createMember({ email: taken });
    const second = await createMember();

    const clash = await call('POST', `/members/${second.body.id}`, { key: org.testKey, body: { email: taken } });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe('resource_already_exists');
    expect((await call('GET', `/members/${second.body.id}`, { key: org.testKey })).body.email).toBe(second.body.email);

    await call('DELETE', `/members/${first.body.id}`, { key: org.testKey });
    const moved = await call('POST', `/members/${second.body.id}`, { key: org.testKey, body: { email: taken } });
    expect(moved.status).toBe(200);
    expect(moved.body.email).toBe(taken);
    // The second member's old email is free again too.
    expect((await createMember({ email: second.body.email })).status).toBe(201);
  });
});

describe('get a member', () => {
  it('returns the member, and 404 resource_not_found for an unknown or malformed id', async () => {
    const created = await createMember();

    const found = await call('GET', `/members/${created.body.id}`, { key: org.testKey });
    const unknown = await call('GET', '/members/mem_28bnB4MCh2qygiyaHQ6jNGUbl10', { key: org.testKey });
    const malformed = await call('GET', '/members/not-an-id', { key: org.testKey });

    expect(found.status).toBe(200);
    expect(found.body).toEqual(created.body);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      type: 'invalid_request_error',
      code: 'resource_not_found',
      message: "No such member: 'mem_28bnB4MCh2qygiyaHQ6jNGUbl10'",
    });
    expect(malformed.status).toBe(404);
  });

  it('never shows a member to the other mode or to another organization', async () => {
    const live = await createMember({}, org.liveKey);
    const other = await newOrganization();

    const byTestKey = await call('GET', `/members/${live.body.id}`, { key: org.testKey });
    const byOtherOrg = await call('GET', `/members/${live.body.id}`, { key: other.liveKey });
    const updateByTestKey = await call('POST', `/members/${live.body.id}`, { key: org.testKey, body: { name: 'X' } });
    const deleteByOtherOrg = await call('DELETE', `/members/${live.body.id}`, { key: other.liveKey });

    expect([byTestKey.status, byOtherOrg.status, updateByTestKey.status, deleteByOtherOrg.status]).toEqual([404, 404, 404, 404]);
    expect((await call('GET', `/members/${live.body.id}`, { key: org.liveKey })).body).toEqual(live.body);
  });
});

describe('update a member', () => {
  it('changes the email as in the spec example and moves updated_at only', async () => {
    const created = await createMember();

    const response = await call('POST', `/members/${created.body.id}`, {
      key: org.testKey,
      rawBody: `{"email": "new-${created.body.email}"}`,
    });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      ...created.body,
      email: `new-${created.body.email}`,
      updated_at: response.body.updated_at,
    });
    expect(response.body.updated_at > created.body.updated_at).toBe(true);
  });

  it('merges metadata: new keys are added, null or empty values unset, null metadata clears', async () => {
    const created = await createMember({ metadata: { keep: '1', drop: '2', blank: '3' } });
    const path = `/members/${created.body.id}`;

    const merged = await call('POST', path, { key: org.testKey, body: { metadata: { added: '4', drop: null, blank: '' } } });
    expect(merged.body.metadata).toEqual({ keep: '1', added: '4' });

    const cleared = await call('POST', path, { key: org.testKey, body: { metadata: null } });
    expect(cleared.body.metadata).toEqual({});
  });

  it('checks the metadata limit on the merged result and writes nothing when it is exceeded', async () => {
    const full = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    const created = await createMember({ metadata: full });

    const response = await call('POST', `/members/${created.body.id}`, {
      key: org.testKey,
      body: { name: 'Changed', metadata: { one_more: 'v' } },
    });

    expect(response.status).toBe(400);
    expect(response.body.params).toEqual([{ param: 'metadata', message: 'metadata can have at most 50 keys' }]);
    expect((await call('GET', `/members/${created.body.id}`, { key: org.testKey })).body).toEqual(created.body);
  });

  it('records status changes to inactive and back as transitions', async () => {
    const created = await createMember();
    const path = `/members/${created.body.id}`;

    const inactive = await call('POST', path, { key: org.testKey, body: { status: 'inactive' } });
    const active = await call('POST', path, { key: org.testKey, body: { status: 'active' } });

    expect(inactive.body.status).toBe('inactive');
    expect(active.body.status_transitions).toEqual([
      { to: 'inactive', from: 'active', timestamp: expect.stringMatching(TIMESTAMP) },
      { to: 'active', from: 'inactive', timestamp: expect.stringMatching(TIMESTAMP) },
    ]);
    const refused = await call('POST', path, { key: org.testKey, body: { status: 'deleted' } });
    expect(refused.status).toBe(400);
    expect(refused.body.params[0].param).toBe('status');
  });

  it('keeps the last write of many concurrent updates whole', async () => {
    const created = await createMember();
    const path = `/members/${created.body.id}`;

    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => call('POST', path, { key: org.testKey, body: { metadata: { [`k${i}`]: 'v' } } })),
    );

    expect(results.every((result) => result.status === 200)).toBe(true);
    const final = await call('GET', path, { key: org.testKey });
    expect(Object.keys(final.body.metadata).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `k${i}`).sort());
  });
});

describe('delete a member', () => {
  it('soft deletes: status deleted plus a transition, still readable, then no more changes', async () => {
    const created = await createMember();
    const path = `/members/${created.body.id}`;

    const deleted = await call('DELETE', path, { key: org.testKey });

    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id: created.body.id, status: 'deleted' });
    expect(deleted.body.status_transitions).toEqual([
      { to: 'deleted', from: 'active', timestamp: expect.stringMatching(TIMESTAMP) },
    ]);
    expect((await call('GET', path, { key: org.testKey })).body).toEqual(deleted.body);

    const again = await call('DELETE', path, { key: org.testKey });
    const update = await call('POST', path, { key: org.testKey, body: { name: 'Back' } });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('invalid_status');
    expect(update.status).toBe(400);
    expect(update.body.code).toBe('invalid_status');
  });
});

describe('list members', () => {
  it('pages newest first with limit, starting_after, ending_before and has_next', async () => {
    const own = await newOrganization();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createMember({}, own.testKey)).body.id);
    const newestFirst = [...ids].reverse();
    const list = (query: string) => call('GET', `/members${query}`, { key: own.testKey });

    const first = await list('?limit=2');
    const second = await list(`?limit=2&starting_after=${first.body.data[1].id}`);
    const last = await list(`?limit=2&starting_after=${second.body.data[1].id}`);
    const back = await list(`?limit=2&ending_before=${last.body.data[0].id}`);
    const all = await list('');

    expect(first.body.data.map((m: { id: string }) => m.id)).toEqual(newestFirst.slice(0, 2));
    expect(first.body.has_next).toBe(true);
    expect(second.body.data.map((m: { id: string }) => m.id)).toEqual(newestFirst.slice(2, 4));
    expect(last.body.data.map((m: { id: string }) => m.id)).toEqual(newestFirst.slice(4));
    expect(last.body.has_next).toBe(false);
    expect(back.body.data.map((m: { id: string }) => m.id)).toEqual(newestFirst.slice(2, 4));
    expect(back.body.has_next).toBe(true);
    expect(all.body).toEqual({ has_next: false, data: expect.any(Array) });
    expect(all.body.data).toHaveLength(5);
    expect(Object.keys(all.body)).toEqual(['has_next', 'data']);
  });

  it('lists only the members of the key\'s organization and mode', async () => {
    const own = await newOrganization();
    const live = await createMember({}, own.liveKey);
    await createMember({}, own.testKey);

    const liveList = await call('GET', '/members', { key: own.liveKey });

    expect(liveList.body.data.map((m: { id: string }) => m.id)).toEqual([live.body.id]);
  });

  it.each([
    ['?limit=0', 'limit', 'limit must be an integer between 1 and 100'],
    ['?limit=101', 'limit', 'limit must be an integer between 1 and 100'],
    ['?limit=ten', 'limit', 'limit must be an integer between 1 and 100'],
    ['?limit=2.5', 'limit', 'limit must be an integer between 1 and 100'],
    ['?starting_after=task_2BU1ecNdKXgRfRxPSjFDXfmv0tV', 'starting_after', 'starting_after must be the id of a member'],
    ['?page=2', 'page', 'Received unknown parameter: page'],
  ])('rejects %s with a 400 naming %s', async (query, param, message) => {
    const response = await call('GET', `/members${query}`, { key: org.testKey });

    expect(response.status).toBe(400);
    expect(response.body.params).toEqual([{ param, message }]);
  });

  it('refuses starting_after and ending_before together', async () => {
    const id = 'mem_28bnB4MCh2qygiyaHQ6jNGUbl10';
    const response = await call('GET', `/members?starting_after=${id}&ending_before=${id}`, { key: org.testKey });

    expect(response.status).toBe(400);
    expect(response.body.params[0].param).toBe('ending_before');
  });
});
