import { describe, expect, it } from 'vitest';
import { canonicalJson, fingerprint } from '#shared/http/middleware/idempotency';
import { routes } from '#shared/api/routes';
import { API_VERSIONS, downgradeResponse, FIRST_VERSION, LATEST_VERSION, resolveVersion, upgradeRequest } from '#shared/api/versions';

describe('version selection', () => {
  it.each([
    ['2022-05-02', '2022-05-02'],
    ['2022-05-22', '2022-05-02'],
    ['2022-07-18', '2022-05-02'],
    ['2022-07-19', '2022-07-19'],
    ['2030-01-01', LATEST_VERSION],
    [' 2022-07-19 ', '2022-07-19'],
  ])('serves %s with version %s', (requested, served) => {
    expect(resolveVersion(requested, undefined)).toBe(served);
  });

  it("falls back to the organization's default, then to the newest version", () => {
    expect(resolveVersion(undefined, FIRST_VERSION)).toBe(FIRST_VERSION);
    expect(resolveVersion('', FIRST_VERSION)).toBe(FIRST_VERSION);
    expect(resolveVersion(undefined, undefined)).toBe(LATEST_VERSION);
    expect(resolveVersion(undefined, 'garbage')).toBe(LATEST_VERSION);
  });

  it.each([['2022-5-22'], ['2022-02-30'], ['May 22, 2022'], ['2021-12-31']])('refuses %s with a 400', (requested) => {
    expect(() => resolveVersion(requested, LATEST_VERSION)).toThrowError(expect.objectContaining({ status: 400 }));
  });

  it('keeps versions in date order, each a valid date', () => {
    const dates = API_VERSIONS.map((version) => version.date);
    expect([...dates].sort()).toEqual(dates);
    expect(new Set(dates).size).toBe(dates.length);
  });
});

describe('version changes', () => {
  const member = {
    id: 'mem_28bnB4MCh2qygiyaHQ6jNGUbl10',
    created_at: 't',
    updated_at: 't',
    name: 'Daisy',
    email: 'd@osma.com',
    status: 'inactive',
    status_transitions: [{ from: 'active', to: 'inactive', timestamp: 't' }],
    date_of_birth: null,
    biological_sex: null,
    gender_identity: 'woman',
    live_mode: true,
    metadata: { a: '1' },
  };

  it('bring a member down to the first version, and leave the newest alone', () => {
    expect(downgradeResponse(FIRST_VERSION, 'getMember', 200, member)).toEqual({
      id: member.id,
      created_at: 't',
      updated_at: 't',
      reference_id: null,
      name: 'Daisy',
      email: 'd@osma.com',
      active: false,
      date_of_birth: null,
      biological_sex: null,
      gender: 'woman',
      live_mode: true,
      metadata: { a: '1' },
    });
    expect(downgradeResponse(LATEST_VERSION, 'getMember', 200, member)).toBe(member);
  });

  it('bring a first-version request up to the newest shape', () => {
    expect(upgradeRequest(FIRST_VERSION, 'updateMember', { gender: 'man', active: true, name: 'X' })).toEqual({
      gender_identity: 'man',
      status: 'active',
      name: 'X',
    });
    // `active` is an update parameter only; on create it stays unknown and is refused by the schema.
    expect(upgradeRequest(FIRST_VERSION, 'createMember', { active: true })).toEqual({ active: true });
    expect(upgradeRequest(LATEST_VERSION, 'createMember', { gender: 'man' })).toEqual({ gender: 'man' });
  });

  it('touch only the routes they name', () => {
    expect(upgradeRequest(FIRST_VERSION, 'getOpenApiJson', { gender: 'x' })).toEqual({ gender: 'x' });
    expect(downgradeResponse(FIRST_VERSION, 'getOpenApiJson', 200, member)).toBe(member);
  });
});

describe('idempotency fingerprints', () => {
  const event = (body: string | null, id?: string) => ({
    body,
    isBase64Encoded: false,
    pathParameters: id ? { id } : null,
    queryStringParameters: null,
  });

  it('ignore whitespace and key order, at any depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ y: 1, x: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"x":2,"y":1}]},"b":1}');
    expect(fingerprint(routes.createMember, event('{"name":"a","metadata":{"x":"1","y":"2"}}'))).toBe(
      fingerprint(routes.createMember, event('{ "metadata": {"y": "2", "x": "1"},\n "name": "a" }')),
    );
  });

  it('differ with the body, the path parameters or the route', () => {
    const base = fingerprint(routes.updateMember, event('{"name":"a"}', 'mem_1'));

    expect(fingerprint(routes.updateMember, event('{"name":"b"}', 'mem_1'))).not.toBe(base);
    expect(fingerprint(routes.updateMember, event('{"name":"a"}', 'mem_2'))).not.toBe(base);
    expect(fingerprint(routes.createMember, event('{"name":"a"}', 'mem_1'))).not.toBe(base);
    expect(fingerprint(routes.createMember, event(''))).toBe(fingerprint(routes.createMember, event(null)));
  });
});
