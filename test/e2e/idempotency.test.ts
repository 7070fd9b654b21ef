import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '#shared/platform/db';
import { RECORD_TTL_SECONDS } from '#shared/http/middleware/idempotency';
import { idempotencyKeys } from '#shared/http/middleware/keys';
import { call, newOrganization } from '#test/support/api';

let org: Awaited<ReturnType<typeof newOrganization>>;
let counter = 0;
const uniqueEmail = () => `idem${Date.now()}-${counter++}@osma.com`;
const tableName = () => process.env.OSMA_TABLE_NAME!;

const post = (path: string, key: string, body: unknown, apiKey = org.testKey, extra: Record<string, string> = {}) =>
  call('POST', path, { key: apiKey, body, headers: { 'idempotency-key': key, ...extra } });

const listIds = async (apiKey = org.testKey) =>
  ((await call('GET', '/members?limit=100', { key: apiKey })).body.data as { id: string }[]).map((member) => member.id);

beforeAll(async () => {
  org = await newOrganization();
});

describe('idempotent POST requests', () => {
  it('replays the first answer to a retry with the same key, marked idempotent-replayed', async () => {
    // Prepare
    const own = await newOrganization();
    const key = randomUUID();
    const body = { name: 'Daisy Demo', email: uniqueEmail() };

    // Act
    const first = await post('/members', key, body, own.testKey);
    const retry = await post('/members', key, body, own.testKey);

    // Assess
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(retry.status).toBe(201);
    expect(retry.text).toBe(first.text);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.headers.get('content-type')).toBe('application/json');
    // Each request still has its own request id.
    expect(retry.headers.get('request-id')).not.toBe(first.headers.get('request-id'));
    expect(await listIds(own.testKey)).toEqual([first.body.id]);
  });

  it('treats the same parameters with other whitespace or key order as the same request', async () => {
    const key = randomUUID();
    const email = uniqueEmail();

    const first = await call('POST', '/members', {
      key: org.testKey,
      rawBody: `{"name":"Daisy","email":"${email}","metadata":{"a":"1","b":"2"}}`,
      headers: { 'idempotency-key': key },
    });
    const retry = await call('POST', '/members', {
      key: org.testKey,
      rawBody: `{\n  "email": "${email}",\n  "metadata": {"b": "2", "a": "1"},\n  "name": "Daisy"\n}`,
      headers: { 'Idempotency-Key': key },
    });

    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
  });

  it('stores an error answer too, and replays it even when the request would now succeed', async () => {
    // Prepare: a member holds the email, so the keyed create fails with 409.
    const own = await newOrganization();
    const email = uniqueEmail();
    const holder = await call('POST', '/members', { key: own.testKey, body: { name: 'Holder', email } });
    const key = randomUUID();
    const failed = await post('/members', key, { name: 'Second', email }, own.testKey);
    // The email is freed: the same request without a key would now succeed.
    await call('DELETE', `/members/${holder.body.id}`, { key: own.testKey });

    // Act
    const retry = await post('/members', key, { name: 'Second', email }, own.testKey);

    // Assess
    expect(failed.status).toBe(409);
    expect(retry.status).toBe(409);
    expect(retry.body).toEqual(failed.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await listIds(own.testKey)).toEqual([holder.body.id]);
  });

  it('stores validation errors and replays them', async () => {
    const key = randomUUID();

    const first = await post('/members', key, { name: 'No email' });
    const retry = await post('/members', key, { name: 'No email' });

    expect(first.status).toBe(400);
    expect(first.body.code).toBe('parameter_missing');
    expect(retry.status).toBe(400);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
  });

  it('refuses the same key with other parameters with a 400 idempotency_error, and keeps the first answer', async () => {
    const key = randomUUID();
    const first = await post('/members', key, { name: 'Daisy', email: uniqueEmail() });

    const other = await post('/members', key, { name: 'Daisy', email: uniqueEmail() });
    const retry = await post('/members', key, { name: 'Daisy', email: first.body.email });

    expect(other.status).toBe(400);
    expect(other.body).toEqual({
      type: 'idempotency_error',
      message: 'Keys for idempotent requests can only be used with the same parameters they were first used with.',
    });
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
  });

  it('refuses a key first used on another endpoint with a 400 idempotency_error', async () => {
    const key = randomUUID();
    const created = await post('/members', key, { name: 'Daisy', email: uniqueEmail() });

    const update = await post(`/members/${created.body.id}`, key, { name: 'Daisy', email: created.body.email });
    const otherMember = await post('/members/mem_28bnB4MCh2qygiyaHQ6jNGUbl10', key, { name: 'X' });

    expect(update.status).toBe(400);
    expect(update.body.type).toBe('idempotency_error');
    expect(update.body.message).toContain('another endpoint');
    expect(otherMember.status).toBe(400);
    expect((await call('GET', `/members/${created.body.id}`, { key: org.testKey })).body).toEqual(created.body);
  });

  it('tells two updates of different members with one key apart', async () => {
    const a = await call('POST', '/members', { key: org.testKey, body: { name: 'A', email: uniqueEmail() } });
    const b = await call('POST', '/members', { key: org.testKey, body: { name: 'B', email: uniqueEmail() } });
    const key = randomUUID();

    const first = await post(`/members/${a.body.id}`, key, { name: 'Renamed' });
    const second = await post(`/members/${b.body.id}`, key, { name: 'Renamed' });

    expect(first.status).toBe(200);
    expect(second.status).toBe(400);
    expect(second.body.type).toBe('idempotency_error');
  });

  it('accepts keys up to 255 characters and refuses longer ones with a 400 idempotency_error', async () => {
    const longest = 'k'.repeat(254) + randomUUID().slice(0, 1);
    const accepted = await post('/members', longest, { name: 'Long key', email: uniqueEmail() });
    const refused = await post('/members', 'k'.repeat(256), { name: 'Too long', email: uniqueEmail() });

    expect(accepted.status).toBe(201);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      type: 'idempotency_error',
      message: 'The idempotency-key header must be between 1 and 255 characters long.',
    });
  });

  it('scopes keys to the organization and the mode', async () => {
    const other = await newOrganization();
    const key = randomUUID();
    const email = uniqueEmail();

    const test = await post('/members', key, { name: 'Daisy', email }, org.testKey);
    const live = await post('/members', key, { name: 'Daisy', email }, org.liveKey);
    const elsewhere = await post('/members', key, { name: 'Daisy', email }, other.testKey);

    expect([test.status, live.status, elsewhere.status]).toEqual([201, 201, 201]);
    expect(new Set([test.body.id, live.body.id, elsewhere.body.id]).size).toBe(3);
    expect([live, elsewhere].map((answer) => answer.headers.get('idempotent-replayed'))).toEqual([null, null]);
  });

  it('makes exactly one member when many requests with one key arrive at once', async () => {
    // Prepare
    const own = await newOrganization();
    const key = randomUUID();
    const body = { name: 'Concurrent', email: uniqueEmail() };

    // Act
    const answers = await Promise.all(Array.from({ length: 12 }, () => post('/members', key, body, own.testKey)));

    // Assess: one request did the work; each other one saw it running (409) or replayed its
    // answer. (Which of the two depends on timing; the in-flight 409 is also pinned down below.)
    const ids = await listIds(own.testKey);
    expect(ids).toHaveLength(1);
    const fresh = answers.filter((answer) => answer.status === 201 && !answer.headers.get('idempotent-replayed'));
    expect(fresh).toHaveLength(1);
    for (const answer of answers) {
      if (answer.status === 201) {
        expect(answer.body.id).toBe(ids[0]);
      } else {
        expect(answer.status).toBe(409);
        expect(answer.body).toEqual({
          type: 'idempotency_error',
          message: 'A request with this idempotency key is still being processed. Retry later.',
        });
      }
    }
  });

  it('ignores the header on GET and DELETE', async () => {
    const created = await call('POST', '/members', { key: org.testKey, body: { name: 'Daisy', email: uniqueEmail() } });
    const key = randomUUID();

    const get = await call('GET', `/members/${created.body.id}`, { key: org.testKey, headers: { 'idempotency-key': key } });
    const del = await call('DELETE', `/members/${created.body.id}`, { key: org.testKey, headers: { 'idempotency-key': key } });
    const again = await call('DELETE', `/members/${created.body.id}`, { key: org.testKey, headers: { 'idempotency-key': key } });

    expect([get.status, del.status, again.status]).toEqual([200, 200, 400]);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
  });
});

describe('idempotency records', () => {
  const scope = () => ({ organizationId: org.organizationId, mode: 'test' as const });

  it('live 24 hours, by the table TTL attribute expires_at', async () => {
    const key = randomUUID();
    const before = Math.floor(Date.now() / 1000);

    await post('/members', key, { name: 'Daisy', email: uniqueEmail() });

    const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: idempotencyKeys.record(scope(), key) }));
    expect(Item).toMatchObject({ status: 'completed', operation_id: 'createMember' });
    expect(Item!.expires_at).toBeGreaterThanOrEqual(before + RECORD_TTL_SECONDS);
    expect(Item!.expires_at).toBeLessThanOrEqual(before + RECORD_TTL_SECONDS + 5);
    expect(Item!.locked_until).toBeUndefined();
  });

  it('do not lock a key forever when the request that claimed it crashed', async () => {
    // Prepare: the record a request leaves when its Lambda dies mid-way (never completed),
    // once with its claim lapsed and once still within it.
    const email = uniqueEmail();
    const crashedKey = randomUUID();
    const runningKey = randomUUID();
    const probe = await post('/members', crashedKey, { name: 'Daisy', email: `probe-${email}` });
    const { Item: template } = await db().send(
      new GetCommand({ TableName: tableName(), Key: idempotencyKeys.record(scope(), crashedKey) }),
    );
    expect(probe.status).toBe(201);
    const leftBehind = (key: string, lockedUntil: number) =>
      db().send(
        new PutCommand({
          TableName: tableName(),
          Item: {
            ...template,
            ...idempotencyKeys.record(scope(), key),
            status: 'in_progress',
            response: undefined,
            owner: 'crashed-request',
            // Same parameters as the retry below.
            fingerprint: template!.fingerprint,
            locked_until: lockedUntil,
          },
        }),
      );
    await leftBehind(crashedKey, Date.now() - 1_000);
    await leftBehind(runningKey, Date.now() + 60_000);

    // Act
    const retryAfterCrash = await post('/members', crashedKey, { name: 'Daisy', email: `probe-${email}` });
    const retryWhileRunning = await post('/members', runningKey, { name: 'Daisy', email: `probe-${email}` });

    // Assess: the lapsed claim is taken over and the request runs (the email is taken by the
    // probe, so it answers 409 resource_already_exists, not a replay); the live one is 409 in flight.
    expect(retryAfterCrash.status).toBe(409);
    expect(retryAfterCrash.body.code).toBe('resource_already_exists');
    expect(retryAfterCrash.headers.get('idempotent-replayed')).toBeNull();
    expect(retryWhileRunning.status).toBe(409);
    expect(retryWhileRunning.body.type).toBe('idempotency_error');
  });
});
