import { beforeAll, describe, expect, it } from 'vitest';
import { call, newOrganization, type ApiResponse } from '#test/support/api';

/**
 * What the store cannot hold, sent through HTTP: every such value is a 400 that names where it
 * is, and nothing is written (no object, no change, no event). Keys that name members of
 * Object.prototype are no such value: they are stored and read back as sent.
 */
let org: Awaited<ReturnType<typeof newOrganization>>;
let taskId: string;
let memberId: string;
let endpointId: string;

const send = (method: 'GET' | 'POST', path: string, rawBody?: string, headers?: Record<string, string>) =>
  call(method, path, { key: org.testKey, rawBody, headers });
const post = (path: string, body: unknown) => send('POST', path, JSON.stringify(body));
const get = (path: string) => send('GET', path);
const newestId = async (list: string) => (await get(`${list}?limit=1`)).body.data[0]?.id as string | undefined;

/** `levels` objects, one inside the other, the innermost holding 1. */
const nested = (levels: number): unknown => (levels === 0 ? 1 : { a: nested(levels - 1) });

/** Raw JSON, since a `__proto__` key cannot be written in a JS object literal. */
const HOSTILE_JSON: { name: string; json: string; at: string }[] = [
  { name: 'a __proto__ key', json: '{"ok": 1, "__proto__": {"x": 1}}', at: '.__proto__' },
  { name: 'a nested __proto__ key', json: '{"list": [{"__proto__": 1}]}', at: '.list.0.__proto__' },
  { name: 'an empty key', json: '{"": 1}', at: '' },
  { name: 'a nested empty key', json: '{"a": {"": 1}}', at: '.a' },
  { name: 'a key of 1001 characters', json: `{"${'k'.repeat(1001)}": 1}`, at: '' },
  { name: 'an integer above 2^53 - 1', json: '{"n": 9007199254740993}', at: '.n' },
  { name: 'an integer below -(2^53 - 1)', json: '{"n": [-9007199254740993]}', at: '.n.0' },
  { name: '1e309', json: '{"n": 1e309}', at: '.n' },
  { name: '-1e309', json: '{"n": -1e309}', at: '.n' },
  { name: 'a magnitude under 1e-130', json: '{"n": 1e-131}', at: '.n' },
  { name: '31 levels of nesting', json: JSON.stringify(nested(31)), at: '.a'.repeat(30) },
];

const HOSTILE_METADATA: { name: string; json: string; at: string }[] = [
  { name: 'a __proto__ key', json: '{"ok": "1", "__proto__": "x"}', at: '.__proto__' },
  { name: 'an empty key', json: '{"": "x"}', at: '' },
];

/** Keys that are members of Object.prototype, at the top and nested; `constructor.name` once fooled the store. */
const PROTOTYPE_NAMED = {
  constructor: { name: 'String' },
  toString: 'x',
  hasOwnProperty: 1,
  valueOf: [true],
  nested: { constructor: 'Object', isPrototypeOf: null },
};
const PROTOTYPE_NAMED_METADATA = { constructor: 'a', toString: 'b', hasOwnProperty: 'c', valueOf: 'd' };

function expectRefused(response: ApiResponse, param: string): void {
  expect(response.status, response.text).toBe(400);
  expect(response.body.type).toBe('invalid_request_error');
  expect(response.body.params.map((p: { param: string }) => p.param)).toContain(param);
}

beforeAll(async () => {
  org = await newOrganization();
  await post('/task_templates', { reference: 'free_form', name: 'Free form' });
  taskId = (await post('/tasks', { template: 'free_form' })).body.id;
  memberId = (await post('/members', { name: 'Daisy Demo', email: 'daisy@osma.test' })).body.id;
  endpointId = (await post('/webhook_endpoints', { url: 'http://127.0.0.1:9/hooks', events: ['tasks.deleted'] })).body.id;
});

describe('keys named like members of Object.prototype', () => {
  it('are stored and read back as sent in task parameters, data and metadata, and in the event', async () => {
    // Act
    const created = await post('/tasks', { template: 'free_form', parameters: PROTOTYPE_NAMED, metadata: PROTOTYPE_NAMED_METADATA });
    const updated = await post(`/tasks/${created.body.id}`, { data: PROTOTYPE_NAMED });

    // Assess
    expect(created.status, created.text).toBe(201);
    expect(updated.status, updated.text).toBe(200);
    const read = (await get(`/tasks/${created.body.id}`)).body;
    expect(read).toMatchObject({ parameters: PROTOTYPE_NAMED, data: PROTOTYPE_NAMED, metadata: PROTOTYPE_NAMED_METADATA });
    const event = (await get('/events?limit=1')).body.data[0];
    expect(event).toMatchObject({ event: 'tasks.updated', data: { id: created.body.id, parameters: PROTOTYPE_NAMED, data: PROTOTYPE_NAMED } });
  });

  it('are stored and read back as sent in member and webhook endpoint metadata, and template parameters', async () => {
    // Prepare: a JSON Schema whose properties have those names
    const schema = { type: 'object', properties: { constructor: { type: 'string' }, toString: { type: 'integer' } } };

    // Act
    const member = await post('/members', { name: 'Proto Type', email: 'proto@osma.test', metadata: PROTOTYPE_NAMED_METADATA });
    const endpoint = await post('/webhook_endpoints', {
      url: 'http://127.0.0.1:9/hooks',
      events: ['tasks.deleted'],
      metadata: PROTOTYPE_NAMED_METADATA,
    });
    const template = await post('/task_templates', { reference: 'prototype_named', name: 'Prototype named', parameters: schema });
    const task = await post('/tasks', { template: 'prototype_named', parameters: { constructor: 'x', toString: 1 } });

    // Assess
    expect([member.status, endpoint.status, template.status, task.status]).toEqual([201, 201, 201, 201]);
    expect((await get(`/members/${member.body.id}`)).body.metadata).toEqual(PROTOTYPE_NAMED_METADATA);
    expect((await get(`/webhook_endpoints/${endpoint.body.id}`)).body.metadata).toEqual(PROTOTYPE_NAMED_METADATA);
    expect((await get('/task_templates/prototype_named')).body.parameters).toEqual(schema);
  });

  it('are named as sent in errors at an older API version', async () => {
    // Act: 2022-05-02 renames gender_identity to gender in errors; toString is no renamed parameter
    const response = await send('POST', '/members', '{"name": "A", "email": "a@osma.test", "toString": 1}', {
      'osma-api-version': '2022-05-02',
    });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.params).toEqual([{ param: 'toString', message: 'Received unknown parameter: toString' }]);
  });
});

describe('free-form JSON the store cannot hold', () => {
  it.each(HOSTILE_JSON)('is refused with 400 in task parameters and data: $name', async ({ json, at }) => {
    // Prepare
    const task = (await get(`/tasks/${taskId}`)).body;
    const [newestTask, newestEvent] = [await newestId('/tasks'), await newestId('/events')];

    // Act
    const create = await send('POST', '/tasks', `{"template": "free_form", "parameters": ${json}}`);
    const updateParameters = await send('POST', `/tasks/${taskId}`, `{"parameters": ${json}}`);
    const updateData = await send('POST', `/tasks/${taskId}`, `{"data": ${json}}`);

    // Assess: refused, naming where, and nothing written
    expectRefused(create, `parameters${at}`);
    expectRefused(updateParameters, `parameters${at}`);
    expectRefused(updateData, `data${at}`);
    expect(await newestId('/tasks')).toBe(newestTask);
    expect((await get(`/tasks/${taskId}`)).body).toEqual(task);
    expect(await newestId('/events')).toBe(newestEvent);
  });

  it.each(HOSTILE_JSON)('is refused with 400 in template parameters: $name', async ({ json, at }) => {
    // Prepare
    const template = (await get('/task_templates/free_form')).body;

    // Act
    const create = await send('POST', '/task_templates', `{"reference": "hostile", "name": "Hostile", "parameters": ${json}}`);
    const update = await send('POST', '/task_templates/free_form', `{"parameters": ${json}}`);

    // Assess
    expectRefused(create, `parameters${at}`);
    expectRefused(update, `parameters${at}`);
    expect((await get('/task_templates/hostile')).status).toBe(404);
    expect((await get('/task_templates/free_form')).body).toEqual(template);
  });

  it('takes 30 levels of nesting, and an event carries them one level down', async () => {
    // Act
    const response = await post(`/tasks/${taskId}`, { data: nested(30) });

    // Assess
    expect(response.status, response.text).toBe(200);
    expect((await get(`/tasks/${taskId}`)).body.data).toEqual(nested(30));
    expect((await get('/events?limit=1')).body.data[0].data.data).toEqual(nested(30));
  });
});

describe('metadata the store cannot hold', () => {
  it.each(HOSTILE_METADATA)('is refused with 400 on tasks, members and webhook endpoints: $name', async ({ json, at }) => {
    // Prepare
    const before = await Promise.all([get(`/tasks/${taskId}`), get(`/members/${memberId}`), get(`/webhook_endpoints/${endpointId}`)]);
    const newest = await Promise.all(['/tasks', '/members', '/webhook_endpoints', '/events'].map(newestId));

    // Act
    const responses = [
      await send('POST', '/tasks', `{"template": "free_form", "metadata": ${json}}`),
      await send('POST', `/tasks/${taskId}`, `{"metadata": ${json}}`),
      await send('POST', '/members', `{"name": "M", "email": "hostile@osma.test", "metadata": ${json}}`),
      await send('POST', `/members/${memberId}`, `{"metadata": ${json}}`),
      await send('POST', '/webhook_endpoints', `{"url": "http://127.0.0.1:9/x", "events": ["tasks.deleted"], "metadata": ${json}}`),
      await send('POST', `/webhook_endpoints/${endpointId}`, `{"metadata": ${json}}`),
    ];

    // Assess
    for (const response of responses) expectRefused(response, `metadata${at}`);
    const after = await Promise.all([get(`/tasks/${taskId}`), get(`/members/${memberId}`), get(`/webhook_endpoints/${endpointId}`)]);
    expect(after.map((response) => response.body)).toEqual(before.map((response) => response.body));
    expect(await Promise.all(['/tasks', '/members', '/webhook_endpoints', '/events'].map(newestId))).toEqual(newest);
  });
});

describe('a task over the store item size', () => {
  // Three-byte characters: each field within its own limit (64,000 characters of JSON, 50
  // metadata keys of 50 characters with values of 500), the task over 400 KB.
  const wide = (characters: number) => ({ text: '€'.repeat(characters) });
  const metadata = Object.fromEntries(
    Array.from({ length: 50 }, (_, i) => [`${'€'.repeat(48)}${String(i).padStart(2, '0')}`, '€'.repeat(500)]),
  );

  it('is refused with 400 naming the field that makes it large, and nothing is written', async () => {
    // Prepare: a task of about 270 KB
    const created = await post('/tasks', { template: 'free_form', parameters: wide(63_900), metadata });
    expect(created.status, created.text).toBe(201);
    const newestEvent = await newestId('/events');

    // Act: data of about 190 KB more
    const response = await post(`/tasks/${created.body.id}`, { data: wide(63_900), priority: 'urgent' });

    // Assess
    expect(response.status, response.text).toBe(400);
    expect(response.body.message).toMatch(/^The task would take \d+ bytes, more than the 408576 bytes one task can take\. Make data smaller\.$/);
    expect(response.body.params).toEqual([{ param: 'data', message: expect.stringMatching(/^data takes \d+ bytes of the task$/) }]);
    expect((await get(`/tasks/${created.body.id}`)).body).toEqual(created.body);
    expect(await newestId('/events')).toBe(newestEvent);
  });

  it('can still change status and be deleted when it is near the limit', async () => {
    // Prepare: the same task with a smaller data, so that it fits
    const created = await post('/tasks', { template: 'free_form', parameters: wide(63_900), metadata });
    const filled = await post(`/tasks/${created.body.id}`, { data: wide(40_000) });
    expect(filled.status, filled.text).toBe(200);

    // Act
    const started = await post(`/tasks/${created.body.id}`, { status: 'in_progress' });
    const deleted = await call('DELETE', `/tasks/${created.body.id}`, { key: org.testKey });

    // Assess
    expect(started.status, started.text).toBe(200);
    expect(deleted.status, deleted.text).toBe(200);
  });
});

describe('a body nested thousands of levels deep', () => {
  it('is refused with 400 naming where, with or without an idempotency key', async () => {
    // Prepare
    const body = `{"template": "free_form", "parameters": {"a": ${'['.repeat(10_000)}${']'.repeat(10_000)}}}`;

    // Act
    const plain = await send('POST', '/tasks', body);
    const idempotent = await send('POST', '/tasks', body, { 'idempotency-key': 'deep-body' });

    // Assess
    for (const response of [plain, idempotent]) {
      expect(response.status, response.text).toBe(400);
      expect(response.body.params[0].param).toMatch(/^parameters\.a(\.0)+$/);
      expect(response.body.params[0].message).toMatch(/is nested too deeply: a request body can nest at most 64 levels$/);
    }
  });
});
