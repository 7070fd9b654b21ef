import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TOTP, URI } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { adoptApiKey, generateApiKey, hashApiKey } from '#shared/identity/api-keys/api-key';
import { apiKeyKeys } from '#shared/identity/api-keys/keys';
import { listAudit } from '#shared/identity/audit/audit';
import { throttleKeys } from '#shared/identity/logins/keys';
import { LOGIN_THROTTLE } from '#shared/identity/logins/throttle';
import { setOrganizationStatus } from '#shared/identity/platform/organizations';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';
import { timestamp } from '#shared/platform/time';
import { call, stack } from '#test/support/api';
import { logIn, manage, newPerson } from '#test/support/management';

/**
 * API keys through the management API, and their effect on the public API, over HTTP against
 * the local stack (which runs with OSMA_AUTHORIZER_CACHE_SECONDS=0, so a change is seen by the
 * next call). Each test has its own organization.
 */
type Person = Awaited<ReturnType<typeof newPerson>>;

async function signedIn(roles: string[] = ['owner']) {
  const person = await newPerson(roles);
  const { 'access-token': token } = await logIn(person.email, person.password);
  return { ...person, token };
}

const keyBody = (attributes: Record<string, unknown>, meta?: Record<string, unknown>) => ({
  data: { type: 'api-keys', attributes },
  ...(meta && { meta }),
});

async function createKey(token: string, attributes: Record<string, unknown> = { mode: 'test', name: 'Billing' }, meta?: Record<string, unknown>) {
  const answer = await manage('POST', '/v1/api-keys/', { token, body: keyBody(attributes, meta) });
  expect(answer.status, answer.text).toBe(201);
  return { id: answer.body.data.id as string, secret: answer.body.data.attributes.secret as string, answer };
}

const roll = (token: string, id: string, body: Record<string, unknown>) => manage('POST', `/v1/api-keys/${id}/roll/`, { token, body });
const revoke = (token: string, id: string) => manage('POST', `/v1/api-keys/${id}/revoke/`, { token });
const getKey = (token: string, id: string) => manage('GET', `/v1/api-keys/${id}/`, { token });
const members = (key: string) => call('GET', '/members?limit=1', { key });

const REFUSED_KEY = { type: 'invalid_request_error', message: 'Invalid API key provided.' };

async function auditActions(organizationId: string) {
  return (await listAudit(organizationId, { limit: 100 })).data;
}

/** The failed sign-ins counted against a username, in this window and the one before (a test may cross their edge). */
async function failuresCounted(email: string): Promise<number> {
  const window = Math.floor(Date.now() / 1000 / LOGIN_THROTTLE.windowSeconds);
  let total = 0;
  for (const w of [window - 1, window]) {
    const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: throttleKeys.username(email, w), ConsistentRead: true }));
    total += Number(Item?.count ?? 0);
  }
  return total;
}

async function storedRecord(secret: string) {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: apiKeyKeys.key(hashApiKey(secret)), ConsistentRead: true }));
  return Item!;
}

describe('/v1/api-keys/', () => {
  it('makes a test key that works on the public API, and shows the key itself in that answer only', async () => {
    const owner = await signedIn();

    const { id, secret, answer } = await createKey(owner.token, { mode: 'test', name: 'Billing service' });
    const used = await members(secret);
    const list = await manage('GET', '/v1/api-keys/', { token: owner.token });
    const one = await getKey(owner.token, id);
    const audit = await auditActions(owner.organizationId);

    expect(id).toMatch(/^key_/);
    expect(secret).toMatch(/^sk_test_[0-9A-Za-z]{27}$/);
    expect(answer.body.data.attributes).toEqual({
      name: 'Billing service',
      mode: 'test',
      'redacted-key': `sk_test_...${secret.slice(-4)}`,
      status: 'active',
      'created-by': owner.userId,
      'created-time': expect.any(String),
      'last-used-time': null,
      'expires-time': null,
      'revoked-time': null,
      'rolled-from': null,
      'rolled-to': null,
      secret,
    });
    expect(used.status).toBe(200);
    expect(list.body.data.map((key: { id: string }) => key.id)).toEqual([id]);
    expect(list.body.meta.page).toEqual({ limit: 100, offset: 0, total: 1 });
    expect(one.body.data.attributes).not.toHaveProperty('secret');
    for (const text of [list.text, one.text, JSON.stringify(audit)]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.slice(8, -4));
      expect(text).not.toContain('"secret"');
    }
    expect(audit).toContainEqual(
      expect.objectContaining({ action: 'api_key.created', actor: { type: 'user', id: owner.userId }, target: { type: 'api-key', id }, data: { mode: 'test' } }),
    );
    // The table holds the key's hash as the record's key, never the key.
    expect(JSON.stringify(await storedRecord(secret))).not.toContain(secret);
  });

  it('rolls a key with an hour of grace (both work), then revoking the old one gets it 401 in the public error format', async () => {
    const owner = await signedIn();
    const old = await createKey(owner.token);

    const rolled = await roll(owner.token, old.id, { 'expires-in-seconds': 3600 });
    const fresh = rolled.body.data;
    const [oldWorks, freshWorks] = await Promise.all([members(old.secret), members(fresh.attributes.secret)]);
    const revoked = await revoke(owner.token, old.id);
    const [oldRefused, freshStillWorks] = await Promise.all([members(old.secret), members(fresh.attributes.secret)]);
    const again = await revoke(owner.token, old.id);
    const rollRevoked = await roll(owner.token, old.id, { 'expires-in-seconds': 60 });

    expect(rolled.status, rolled.text).toBe(201);
    expect(fresh.attributes).toMatchObject({ mode: 'test', name: 'Billing', status: 'active', 'rolled-from': old.id, secret: expect.stringMatching(/^sk_test_/) });
    expect(fresh.attributes.secret).not.toBe(old.secret);
    expect(rolled.body.included).toEqual([
      expect.objectContaining({ id: old.id, attributes: expect.objectContaining({ status: 'expiring', 'rolled-to': fresh.id }) }),
    ]);
    expect(rolled.body.included[0].attributes).not.toHaveProperty('secret');
    const expires = Date.parse(rolled.body.included[0].attributes['expires-time']);
    expect(Math.abs(expires - (Date.now() + 3600_000))).toBeLessThan(60_000);
    expect([oldWorks.status, freshWorks.status]).toEqual([200, 200]);
    expect(revoked.status).toBe(201);
    expect(revoked.body.data.attributes).toMatchObject({ status: 'revoked', 'revoked-time': expect.any(String) });
    expect(oldRefused.status).toBe(401);
    expect(oldRefused.body).toEqual(REFUSED_KEY);
    expect(freshStillWorks.status).toBe(200);
    expect(again.status).toBe(409);
    expect(again.body.errors[0].code).toBe('invalid_state');
    expect(rollRevoked.status).toBe(409);
    const actions = (await auditActions(owner.organizationId)).filter((event) => event.target?.id === old.id).map((event) => event.action);
    expect(actions.sort()).toEqual(['api_key.created', 'api_key.revoked', 'api_key.rolled']);
  });

  it('rolls with 0 seconds of grace: the old key is revoked at once', async () => {
    const owner = await signedIn();
    const old = await createKey(owner.token);

    const rolled = await roll(owner.token, old.id, { 'expires-in-seconds': 0 });
    const [oldAnswer, freshAnswer] = await Promise.all([members(old.secret), members(rolled.body.data.attributes.secret)]);

    expect(rolled.status).toBe(201);
    expect(rolled.body.included[0].attributes).toMatchObject({ status: 'revoked', 'revoked-time': expect.any(String), 'expires-time': null });
    expect(oldAnswer.status).toBe(401);
    expect(oldAnswer.body).toEqual(REFUSED_KEY);
    expect(freshAnswer.status).toBe(200);
  });

  it('refuses an expiring key past its expiry with 401 and lists it as expired; revoking it makes its end final', async () => {
    const owner = await signedIn();
    const old = await createKey(owner.token);
    await roll(owner.token, old.id, { 'expires-in-seconds': 3600 });

    // The grace period has run out: its expiry is written into the past.
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: apiKeyKeys.key(hashApiKey(old.secret)),
        UpdateExpression: 'SET expires_at = :past',
        ExpressionAttributeValues: { ':past': timestamp(new Date(Date.now() - 1000)) },
      }),
    );
    const refused = await members(old.secret);
    const shown = await getKey(owner.token, old.id);
    const expired = await manage('GET', '/v1/api-keys/?filter[status]=expired', { token: owner.token });
    const expiring = await manage('GET', '/v1/api-keys/?filter[status]=expiring', { token: owner.token });
    const revoked = await revoke(owner.token, old.id);

    expect(refused.status).toBe(401);
    expect(refused.body).toEqual(REFUSED_KEY);
    expect(shown.body.data.attributes.status).toBe('expired');
    expect(expired.body.data.map((key: { id: string }) => key.id)).toEqual([old.id]);
    expect(expiring.body.data).toEqual([]);
    expect(revoked.status).toBe(201);
    expect(revoked.body.data.attributes.status).toBe('revoked');
  });

  it('refuses the keys of a suspended organization with 401', async () => {
    const owner = await signedIn();
    const key = await createKey(owner.token);

    const before = await members(key.secret);
    await setOrganizationStatus(owner.organizationId, 'suspended');
    const after = await members(key.secret);

    expect(before.status).toBe(200);
    expect(after.status).toBe(401);
    expect(after.body).toEqual(REFUSED_KEY);
  });

  it('makes and rolls a live key only with step-up: 403 step_up_required without, invalid_password (counted) with a wrong one', async () => {
    const owner = await signedIn();
    const failuresBefore = await failuresCounted(owner.email);

    const bare = await manage('POST', '/v1/api-keys/', { token: owner.token, body: keyBody({ mode: 'live', name: 'Live' }) });
    const wrong = await manage('POST', '/v1/api-keys/', { token: owner.token, body: keyBody({ mode: 'live' }, { password: 'not-the-password' }) });
    const both = await manage('POST', '/v1/api-keys/', { token: owner.token, body: keyBody({ mode: 'live' }, { password: owner.password, 'totp-code': '123456' }) });
    const failuresAfter = await failuresCounted(owner.email);
    const live = await createKey(owner.token, { mode: 'live', name: 'Live' }, { password: owner.password });
    const used = await members(live.secret);
    const rollBare = await roll(owner.token, live.id, { 'expires-in-seconds': 3600 });
    const rolled = await roll(owner.token, live.id, { 'expires-in-seconds': 3600, password: owner.password });
    // A test key needs none, and a password sent with one is not checked.
    const test = await createKey(owner.token, { mode: 'test' }, { password: 'not-checked' });
    const list = await manage('GET', '/v1/api-keys/', { token: owner.token });

    expect(bare.status).toBe(403);
    expect(bare.body.errors[0]).toMatchObject({ status: 403, code: 'step_up_required' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.errors[0]).toMatchObject({ code: 'invalid_password', source: { pointer: '/meta/password' } });
    expect(both.status).toBe(400);
    expect(both.body.errors[0].source).toEqual({ pointer: '/meta/totp-code' });
    expect(failuresAfter - failuresBefore).toBe(1);
    expect(live.secret).toMatch(/^sk_live_/);
    expect(used.status).toBe(200);
    expect(rollBare.status).toBe(403);
    expect(rollBare.body.errors[0].code).toBe('step_up_required');
    expect(rolled.status).toBe(201);
    expect(rolled.body.data.attributes.secret).toMatch(/^sk_live_/);
    expect(test.secret).toMatch(/^sk_test_/);
    // Nothing refused was written: the live key, its successor and the test key.
    expect(list.body.meta.page.total).toBe(3);
    const failed = (await auditActions(owner.organizationId)).filter((event) => event.action === 'login.failed');
    expect(failed).toEqual([expect.objectContaining({ actor: { type: 'user', id: owner.userId }, data: { reason: 'password_confirmation' } })]);
  });

  it('takes a current TOTP code instead of the password from a person with TOTP enabled, each code once', async () => {
    const owner = await signedIn();
    const { totp, step } = await enableTotp(owner);
    const other = await signedIn();

    const byCode = await manage('POST', '/v1/api-keys/', { token: owner.token, body: keyBody({ mode: 'live' }, { 'totp-code': codeAt(totp, step + 1) }) });
    const sameCode = await manage('POST', '/v1/api-keys/', { token: owner.token, body: keyBody({ mode: 'live' }, { 'totp-code': codeAt(totp, step + 1) }) });
    const rolled = await roll(owner.token, byCode.body.data.id, { 'expires-in-seconds': 0, password: owner.password });
    const noTotp = await manage('POST', '/v1/api-keys/', { token: other.token, body: keyBody({ mode: 'live' }, { 'totp-code': '123456' }) });

    expect(byCode.status, byCode.text).toBe(201);
    expect(byCode.body.data.attributes.secret).toMatch(/^sk_live_/);
    expect(sameCode.status).toBe(403);
    expect(sameCode.body.errors[0]).toMatchObject({ code: 'invalid_totp_code', source: { pointer: '/meta/totp-code' } });
    expect(rolled.status).toBe(201);
    expect(noTotp.status).toBe(403);
    expect(noTotp.body.errors[0].code).toBe('step_up_required');
  });

  it('lists newest first, by mode and status, in pages', async () => {
    const owner = await signedIn();
    const a = await createKey(owner.token, { mode: 'test', name: 'A' });
    const b = await createKey(owner.token, { mode: 'live', name: 'B' }, { password: owner.password });
    const c = await createKey(owner.token, { mode: 'test', name: 'C' });
    const d = (await roll(owner.token, c.id, { 'expires-in-seconds': 600 })).body.data.id as string;
    await revoke(owner.token, a.id);
    const ids = async (query: string) => {
      const answer = await manage('GET', `/v1/api-keys/${query}`, { token: owner.token });
      expect(answer.status, answer.text).toBe(200);
      return answer.body.data.map((key: { id: string }) => key.id);
    };

    const page = await manage('GET', '/v1/api-keys/?page[limit]=2&filter[mode]=test', { token: owner.token });
    const badStatus = await manage('GET', '/v1/api-keys/?filter[status]=deleted', { token: owner.token });
    const badMode = await manage('GET', '/v1/api-keys/?filter[mode]=prod', { token: owner.token });

    expect(await ids('')).toEqual([d, c.id, b.id, a.id]);
    expect(await ids('?filter[mode]=live')).toEqual([b.id]);
    expect(await ids('?filter[mode]=test')).toEqual([d, c.id, a.id]);
    expect(await ids('?filter[status]=active')).toEqual([d, b.id]);
    expect(await ids('?filter[status]=expiring')).toEqual([c.id]);
    expect(await ids('?filter[status]=revoked&filter[mode]=test')).toEqual([a.id]);
    expect(await ids('?filter[status]=revoked&filter[mode]=live')).toEqual([]);
    expect(await ids('?filter[mode]=test&page[limit]=2&page[offset]=2')).toEqual([a.id]);
    expect(page.body.data.map((key: { id: string }) => key.id)).toEqual([d, c.id]);
    expect(page.body.meta.page).toEqual({ limit: 2, offset: 0, total: 3 });
    expect(page.body.links.next).toBe('/v1/api-keys/?filter%5Bmode%5D=test&page%5Blimit%5D=2&page%5Boffset%5D=2');
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.errors[0].source).toEqual({ parameter: 'filter[status]' });
    expect(badMode.body.errors[0].source).toEqual({ parameter: 'filter[mode]' });
  });

  it('moves last-used-time when the key is used, at most once a minute', async () => {
    const owner = await signedIn();
    const key = await createKey(owner.token);

    await members(key.secret);
    const first = (await storedRecord(key.secret)).last_used_at as string;
    await members(key.secret);
    await members(key.secret);
    const second = (await storedRecord(key.secret)).last_used_at as string;
    const shown = await getKey(owner.token, key.id);
    // A minute later, the next use is written again.
    const minuteAgo = timestamp(new Date(Date.now() - 61_000));
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: apiKeyKeys.key(hashApiKey(key.secret)),
        UpdateExpression: 'SET last_used_at = :then',
        ExpressionAttributeValues: { ':then': minuteAgo },
      }),
    );
    await members(key.secret);
    const third = (await storedRecord(key.secret)).last_used_at as string;

    expect(key.answer.body.data.attributes['last-used-time']).toBeNull();
    expect(Date.now() - Date.parse(first)).toBeLessThan(30_000);
    expect(second).toBe(first);
    expect(shown.body.data.attributes['last-used-time']).toBe(first);
    expect(third > minuteAgo).toBe(true);
    expect(Date.now() - Date.parse(third)).toBeLessThan(30_000);
  });

  it('renames a key, audited, and keeps data.id to the path', async () => {
    const owner = await signedIn();
    const key = await createKey(owner.token);
    const path = `/v1/api-keys/${key.id}/`;

    const renamed = await manage('PATCH', path, { token: owner.token, body: { data: { type: 'api-keys', id: key.id, attributes: { name: 'Reporting' } } } });
    const cleared = await manage('PATCH', path, { token: owner.token, body: { data: { type: 'api-keys', attributes: { name: null } } } });
    const otherId = await manage('PATCH', path, { token: owner.token, body: { data: { type: 'api-keys', id: 'key_other', attributes: { name: 'X' } } } });
    const renameMode = await manage('PATCH', path, { token: owner.token, body: { data: { type: 'api-keys', attributes: { mode: 'live' } } } });

    expect(renamed.status).toBe(200);
    expect(renamed.body.data.attributes.name).toBe('Reporting');
    expect(cleared.body.data.attributes.name).toBeNull();
    expect((await getKey(owner.token, key.id)).body.data.attributes.name).toBeNull();
    expect(otherId.status).toBe(400);
    expect(otherId.body.errors[0].source).toEqual({ pointer: '/data/id' });
    expect(renameMode.status).toBe(400);
    expect(renameMode.body.errors[0].source).toEqual({ pointer: '/data/attributes/mode' });
    const updates = (await auditActions(owner.organizationId)).filter((event) => event.action === 'api_key.updated');
    expect(updates).toHaveLength(2);
    expect(updates[0]).toMatchObject({ target: { type: 'api-key', id: key.id }, data: { fields: 'name' } });
  });

  it('lets a developer manage test and live keys (live with step-up), and refuses a viewer', async () => {
    const developer = await signedIn(['developer']);
    const viewer = await signedIn(['viewer']);

    const test = await createKey(developer.token, { mode: 'test' });
    const live = await createKey(developer.token, { mode: 'live' }, { password: developer.password });
    const rolled = await roll(developer.token, live.id, { 'expires-in-seconds': 60, password: developer.password });
    const revoked = await revoke(developer.token, test.id);
    const viewerAnswers = await Promise.all([
      manage('GET', '/v1/api-keys/', { token: viewer.token }),
      manage('GET', `/v1/api-keys/${test.id}/`, { token: viewer.token }),
      manage('POST', '/v1/api-keys/', { token: viewer.token, body: keyBody({ mode: 'test' }) }),
      manage('PATCH', `/v1/api-keys/${test.id}/`, { token: viewer.token, body: { data: { type: 'api-keys', attributes: { name: 'X' } } } }),
      roll(viewer.token, test.id, { 'expires-in-seconds': 0 }),
      revoke(viewer.token, test.id),
    ]);
    const anonymous = await manage('GET', '/v1/api-keys/');

    expect([rolled.status, revoked.status]).toEqual([201, 201]);
    for (const answer of viewerAnswers) {
      expect(answer.status).toBe(403);
      expect(answer.body.errors[0].code).toBe('forbidden');
    }
    expect(anonymous.status).toBe(401);
  });

  it("answers another organization's key, and an id that is none, as not found", async () => {
    const owner = await signedIn();
    const stranger = await signedIn();
    const key = await createKey(owner.token);

    const answers = await Promise.all([
      getKey(stranger.token, key.id),
      manage('PATCH', `/v1/api-keys/${key.id}/`, { token: stranger.token, body: { data: { type: 'api-keys', attributes: { name: 'Mine' } } } }),
      roll(stranger.token, key.id, { 'expires-in-seconds': 0 }),
      revoke(stranger.token, key.id),
      getKey(owner.token, 'key_notakey'),
      getKey(owner.token, 'usr_28bnB4MCh2qygiyaHQ6jNGUbl10'),
    ]);
    const list = await manage('GET', '/v1/api-keys/', { token: stranger.token });

    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(answer.body.errors[0].code).toBe('resource_not_found');
    }
    expect(list.body.data).toEqual([]);
    expect((await members(key.secret)).status).toBe(200);
  });

  it('refuses hostile bodies with a 400 that names the field, and writes nothing', async () => {
    const owner = await signedIn();
    const key = await createKey(owner.token);
    const post = (body: unknown) => manage('POST', '/v1/api-keys/', { token: owner.token, body });
    const rollWith = (body: unknown) => roll(owner.token, key.id, body as Record<string, unknown>);

    const cases: [Awaited<ReturnType<typeof post>>, string][] = [
      [await post(keyBody({ mode: 'prod' })), '/data/attributes/mode'],
      [await post(keyBody({ name: 'No mode' })), '/data/attributes/mode'],
      [await post(keyBody({ mode: 'test', name: 'x'.repeat(101) })), '/data/attributes/name'],
      [await post(keyBody({ mode: 'test', name: '   ' })), '/data/attributes/name'],
      [await post(keyBody({ mode: 'test', name: 'bell\u0007' })), '/data/attributes/name'],
      [await post(keyBody({ mode: 'test', name: 42 })), '/data/attributes/name'],
      [await post(keyBody({ mode: 'test', secret: 'sk_test_chosenbymeaaaaaaaaaaaaaaaaa' })), '/data/attributes/secret'],
      [await post(keyBody({ mode: 'test', status: 'revoked' })), '/data/attributes/status'],
      [await post(keyBody({ mode: 'test', constructor: { name: 'String' } })), '/data/attributes/constructor'],
      [await post({ data: { type: 'api-keys', attributes: { mode: 'test', ['__proto__']: { polluted: true } } } }), '/data/attributes/__proto__'],
      [await post(keyBody({ mode: 'test', '': 1 })), '/data/attributes/'],
      [await post({ data: { type: 'users', attributes: { mode: 'test' } } }), '/data/type'],
      [await post(keyBody({ mode: 'test' }, { token: 'x' })), '/meta/token'],
      [await post(keyBody({ mode: 'live' }, { password: 'x'.repeat(256) })), '/meta/password'],
      [await rollWith({}), '/expires-in-seconds'],
      [await rollWith({ 'expires-in-seconds': -1 }), '/expires-in-seconds'],
      [await rollWith({ 'expires-in-seconds': 604_801 }), '/expires-in-seconds'],
      [await rollWith({ 'expires-in-seconds': 1.5 }), '/expires-in-seconds'],
      [await rollWith({ 'expires-in-seconds': '3600' }), '/expires-in-seconds'],
      [await rollWith({ 'expires-in-seconds': 1e308 }), '/expires-in-seconds'],
      [await rollWith({ 'expires-in-seconds': 60, mode: 'live' }), '/mode'],
    ];
    const raw = await manage('POST', '/v1/api-keys/', { token: owner.token, rawBody: '{"data": {"type": "api-keys", "attributes": {"mode": "test", "__proto__": {"x": 1}}}}' });
    const revokeWithBody = await manage('POST', `/v1/api-keys/${key.id}/revoke/`, { token: owner.token, body: { reason: 'x' } });
    const list = await manage('GET', '/v1/api-keys/', { token: owner.token });

    for (const [answer, pointer] of cases) {
      expect(answer.status, `${pointer}: ${answer.text}`).toBe(400);
      expect(answer.body.errors.map((error: { source?: unknown }) => error.source)).toContainEqual({ pointer });
    }
    expect(raw.status).toBe(400);
    expect(revokeWithBody.status).toBe(400);
    expect(list.body.meta.page.total).toBe(1);
    expect(list.body.data[0].attributes.status).toBe('active');
    expect((await members(key.secret)).status).toBe(200);
  });

  it('lets exactly one of two racing rolls (or revokes) of one key win', async () => {
    const owner = await signedIn();
    const key = await createKey(owner.token);
    const other = await createKey(owner.token);

    const rolls = await Promise.all([roll(owner.token, key.id, { 'expires-in-seconds': 600 }), roll(owner.token, key.id, { 'expires-in-seconds': 0 })]);
    const revokes = await Promise.all([revoke(owner.token, other.id), revoke(owner.token, other.id)]);
    const list = await manage('GET', '/v1/api-keys/', { token: owner.token });

    expect(rolls.map((answer) => answer.status).sort()).toEqual([201, 409]);
    expect(revokes.map((answer) => answer.status).sort()).toEqual([201, 409]);
    const winner = rolls.find((answer) => answer.status === 201)!;
    expect(list.body.meta.page.total).toBe(3);
    const old = list.body.data.find((listed: { id: string }) => listed.id === key.id);
    expect(old.attributes['rolled-to']).toBe(winner.body.data.id);
    const rolledEvents = (await auditActions(owner.organizationId)).filter((event) => event.action === 'api_key.rolled');
    expect(rolledEvents).toHaveLength(1);
  });
});

describe('the keys the local stack seeds', () => {
  it('are ordinary key records of its organization, listed by name', async () => {
    const { 'access-token': token } = await logIn();

    const list = await manage('GET', '/v1/api-keys/?page[limit]=1000', { token });

    const byName = (name: string) => list.body.data.filter((key: { attributes: { name: string } }) => key.attributes.name === name);
    expect(byName('Local test key').map((key: { attributes: unknown }) => key.attributes)).toContainEqual(
      expect.objectContaining({ mode: 'test', 'redacted-key': `sk_test_...${stack.testKey.slice(-4)}` }),
    );
    expect(byName('Local live key').map((key: { attributes: unknown }) => key.attributes)).toContainEqual(
      expect.objectContaining({ mode: 'live', 'redacted-key': `sk_live_...${stack.liveKey.slice(-4)}` }),
    );
  });

  it('become rollable and revocable records when they were stored before keys had records', async () => {
    const owner = await signedIn();
    const key = generateApiKey('test');
    // A key as the stack stored it before: its hash, organization and mode, nothing else.
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...apiKeyKeys.key(hashApiKey(key)), entity: 'api_key', organization_id: owner.organizationId, mode: 'test', redacted: 'x', created_at: timestamp() },
      }),
    );

    const adopted = await adoptApiKey(owner.organizationId, key, 'Local test key');
    const again = await adoptApiKey(owner.organizationId, key, 'Local test key');
    const listed = await manage('GET', '/v1/api-keys/', { token: owner.token });
    const rolled = await roll(owner.token, adopted!.id, { 'expires-in-seconds': 3600 });
    const revoked = await revoke(owner.token, adopted!.id);

    expect(again!.id).toBe(adopted!.id);
    expect(listed.body.data).toEqual([
      expect.objectContaining({ id: adopted!.id, attributes: expect.objectContaining({ name: 'Local test key', status: 'active', 'redacted-key': `sk_test_...${key.slice(-4)}`, 'created-by': null }) }),
    ]);
    expect(rolled.status).toBe(201);
    expect(revoked.status).toBe(201);
    expect((await members(key)).status).toBe(401);
  });
});

/** TOTP for a person, as identity-mfa.test.ts does it: codes from the provisioning URI, at the stack's clock. */
const STEP_MS = 30_000;
const codeAt = (totp: TOTP, step: number) => totp.generate({ timestamp: step * STEP_MS });

async function enableTotp(person: Person & { token: string }) {
  const setup = await manage('POST', '/v1/mfa-totp/', { token: person.token, body: {} });
  const totp = URI.parse(setup.body.data.attributes.secret['provisioning-uri']) as TOTP;
  // Codes are computed for one step and must be used within it (one step of drift): not in its last seconds.
  const into = Date.now() % STEP_MS;
  if (into > STEP_MS - 8_000) await new Promise((resolve) => setTimeout(resolve, STEP_MS - into + 200));
  const step = Math.floor(Date.now() / STEP_MS);
  const enabled = await manage('POST', `/v1/mfa-totp/${setup.body.data.id}/enable/`, {
    token: person.token,
    body: { codes: [codeAt(totp, step - 1), codeAt(totp, step)], password: person.password },
  });
  expect(enabled.status, enabled.text).toBe(201);
  return { totp, step };
}
