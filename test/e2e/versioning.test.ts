import { beforeAll, describe, expect, it } from 'vitest';
import { FIRST_VERSION, LATEST_VERSION } from '#shared/api/versions';
import { call, newOrganization, stack } from '#test/support/api';

const OLD_MEMBER_FIELDS = [
  'id',
  'created_at',
  'updated_at',
  'reference_id',
  'name',
  'email',
  'active',
  'date_of_birth',
  'biological_sex',
  'gender',
  'live_mode',
  'metadata',
];

let org: Awaited<ReturnType<typeof newOrganization>>;
let counter = 0;
const uniqueEmail = () => `version${Date.now()}-${counter++}@osma.com`;
const at = (version: string) => ({ 'osma-api-version': version });

beforeAll(async () => {
  org = await newOrganization();
});

describe('API versions', () => {
  it('pins new organizations to the newest version and echoes the version used on every answer', async () => {
    const created = await call('POST', '/members', { key: org.testKey, body: { name: 'Daisy', email: uniqueEmail() } });
    const notFound = await call('GET', '/members/mem_28bnB4MCh2qygiyaHQ6jNGUbl10', { key: org.testKey });
    const invalid = await call('POST', '/members', { key: org.testKey, body: {} });
    const seeded = await call('GET', '/members', { key: stack.testKey });
    const document = await call('GET', '/spec/openapi.json', { key: null });

    for (const answer of [created, notFound, invalid, seeded, document]) {
      expect(answer.headers.get('osma-api-version')).toBe(LATEST_VERSION);
    }
    expect([created.status, notFound.status, invalid.status]).toEqual([201, 404, 400]);
  });

  it('serves the spec example header, 2022-05-22, with the newest version released on or before it', async () => {
    // Prepare: the spec's create request.
    const body = { name: 'Daisy Demo', email: uniqueEmail(), date_of_birth: '1993-09-16', biological_sex: 'female' };

    // Act
    const response = await call('POST', '/members', { key: org.testKey, body, headers: at('2022-05-22') });

    // Assess: the member create example of the spec, field for field.
    expect(response.status).toBe(201);
    expect(response.headers.get('osma-api-version')).toBe('2022-05-02');
    expect(Object.keys(response.body)).toEqual(OLD_MEMBER_FIELDS);
    expect(response.body).toMatchObject({
      reference_id: null,
      name: 'Daisy Demo',
      active: true,
      date_of_birth: '1993-09-16',
      biological_sex: 'female',
      gender: null,
      live_mode: false,
      metadata: {},
    });
  });

  it('speaks the older member shape on every member endpoint, requests included', async () => {
    const old = at(FIRST_VERSION);
    const created = await call('POST', '/members', {
      key: org.testKey,
      body: { name: 'Old', email: uniqueEmail(), gender: 'woman' },
      headers: old,
    });
    const path = `/members/${created.body.id}`;

    const fetched = await call('GET', path, { key: org.testKey, headers: old });
    const deactivated = await call('POST', path, { key: org.testKey, body: { active: false, gender: 'nonbinary' }, headers: old });
    const listed = await call('GET', '/members?limit=1', { key: org.testKey, headers: old });
    const deleted = await call('DELETE', path, { key: org.testKey, headers: old });
    const current = await call('GET', path, { key: org.testKey });

    expect(created.body).toMatchObject({ gender: 'woman', active: true, reference_id: null });
    expect(fetched.body).toEqual(created.body);
    expect(deactivated.body).toMatchObject({ active: false, gender: 'nonbinary' });
    expect(listed.body.data[0]).toEqual(deactivated.body);
    expect(Object.keys(listed.body)).toEqual(['has_next', 'data']);
    expect(Object.keys(deleted.body)).toEqual(OLD_MEMBER_FIELDS);
    expect(deleted.body.active).toBe(false);
    // The newest version sees the same member in its own shape.
    expect(current.body).toMatchObject({
      id: created.body.id,
      status: 'deleted',
      gender_identity: 'nonbinary',
      status_transitions: [
        { from: 'active', to: 'inactive', timestamp: expect.any(String) },
        { from: 'inactive', to: 'deleted', timestamp: expect.any(String) },
      ],
    });
  });

  it('names parameters in errors as the older version calls them', async () => {
    const old = at(FIRST_VERSION);

    const badGender = await call('POST', '/members', { key: org.testKey, body: { name: 'X', email: uniqueEmail(), gender: 42 }, headers: old });
    const badActive = await call('POST', '/members/mem_28bnB4MCh2qygiyaHQ6jNGUbl10', { key: org.testKey, body: { active: 'no' }, headers: old });

    expect(badGender.status).toBe(400);
    expect(badGender.body.params).toEqual([{ param: 'gender', message: 'gender must be a string' }]);
    expect(badActive.status).toBe(400);
    expect(badActive.body.params).toEqual([{ param: 'active', message: 'active must be a boolean' }]);
  });

  it('selects the newest version for a date after it', async () => {
    const response = await call('GET', '/members', { key: org.testKey, headers: at('2999-01-01') });

    expect(response.status).toBe(200);
    expect(response.headers.get('osma-api-version')).toBe(LATEST_VERSION);
  });

  it.each([['yesterday'], ['2022-13-01'], ['2022-05-22T00:00:00Z'], ['22-05-22']])(
    'answers a malformed version (%s) with 400, naming the header',
    async (version) => {
      const response = await call('GET', '/members', { key: org.testKey, headers: at(version) });

      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        type: 'invalid_request_error',
        message: 'Invalid request parameter(s)',
        params: [{ param: 'osma-api-version', message: `osma-api-version must be an ISO 8601 date such as ${LATEST_VERSION}` }],
      });
      expect(response.headers.get('osma-api-version')).toBe(LATEST_VERSION);
    },
  );

  it('answers a date before the first version with 400', async () => {
    const response = await call('POST', '/members', {
      key: org.testKey,
      body: { name: 'Too early', email: uniqueEmail() },
      headers: at('2020-01-01'),
    });

    expect(response.status).toBe(400);
    expect(response.body.params).toEqual([
      { param: 'osma-api-version', message: `osma-api-version must be on or after ${FIRST_VERSION}, the first version of the API` },
    ]);
  });

  it("uses the organization's default version when the request names none, and the header over it", async () => {
    // Prepare: an organization whose dashboard setting is the first version.
    const pinned = await newOrganization({ api_version: FIRST_VERSION });

    // Act
    const byDefault = await call('POST', '/members', { key: pinned.testKey, body: { name: 'Pinned', email: uniqueEmail() } });
    const overridden = await call('GET', `/members/${byDefault.body.id}`, { key: pinned.testKey, headers: at(LATEST_VERSION) });

    // Assess
    expect(byDefault.headers.get('osma-api-version')).toBe(FIRST_VERSION);
    expect(Object.keys(byDefault.body)).toEqual(OLD_MEMBER_FIELDS);
    expect(overridden.headers.get('osma-api-version')).toBe(LATEST_VERSION);
    expect(overridden.body.status).toBe('active');
  });

  it('replays a stored answer in the version it was made at', async () => {
    const key = `version-${Date.now()}`;
    const body = { name: 'Replayed', email: uniqueEmail() };

    const first = await call('POST', '/members', { key: org.testKey, body, headers: { ...at(FIRST_VERSION), 'idempotency-key': key } });
    const retry = await call('POST', '/members', { key: org.testKey, body, headers: { ...at(FIRST_VERSION), 'idempotency-key': key } });

    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.headers.get('osma-api-version')).toBe(FIRST_VERSION);
    expect(retry.body).toEqual(first.body);
    expect(retry.body.active).toBe(true);
  });
});
