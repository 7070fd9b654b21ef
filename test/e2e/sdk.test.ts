import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOrganization, stack } from '#test/support/api';
import { eventually, startReceiver, type Receiver } from '#test/support/receiver';
import {
  Osma,
  OsmaConnectionError,
  OsmaError,
  OsmaIdempotencyError,
  OsmaInvalidRequestError,
  OsmaRateLimitError,
} from '../../sdk/src/index.ts';

/** The SDK against the real local stack: every method, pagination, errors, retries, replays. */
let org: Awaited<ReturnType<typeof newOrganization>>;
let osma: Osma;
let receiver: Receiver;

/** A fetch that records every answer's status, so a test can see the 429s the SDK waited out. */
function recordingFetch() {
  const statuses: number[] = [];
  const replayed: (string | null)[] = [];
  const fetcher: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    statuses.push(response.status);
    replayed.push(response.headers.get('idempotent-replayed'));
    return response;
  };
  return { fetcher, statuses, replayed };
}

const email = () => `sdk-${crypto.randomUUID()}@osma.test`;

beforeAll(async () => {
  org = await newOrganization();
  osma = new Osma({ apiKey: org.testKey, apiBase: stack.url });
  receiver = await startReceiver();
  await osma.taskTemplates.create({ reference: 'sdk_check', name: 'SDK check' });
});

afterAll(() => receiver?.close());

describe('the SDK', () => {
  it('calls every member, task, template, user and file route and answers the parsed object', async () => {
    const member = await osma.members.create({ name: 'Daisy Demo', email: email() });
    expect(member.id).toMatch(/^mem_/);
    expect((await osma.members.get(member.id)).id).toBe(member.id);
    expect((await osma.members.update(member.id, { name: 'Daisy Renamed' })).name).toBe('Daisy Renamed');
    expect((await osma.members.list()).data.map((m) => m.id)).toContain(member.id);

    const template = await osma.taskTemplates.create({ reference: `sdk_${Date.now()}`, name: 'First' });
    expect((await osma.taskTemplates.get(template.reference)).name).toBe('First');
    const updated = await osma.taskTemplates.update(template.reference, { name: 'Second' });
    expect(updated.version).toBe(2);
    expect((await osma.taskTemplates.get(template.reference, { version: 1 })).name).toBe('First');
    expect((await osma.taskTemplates.list()).data.map((t) => t.reference)).toContain(template.reference);

    const task = await osma.tasks.create({ template: template.reference, member: member.id });
    expect(task.id).toMatch(/^task_/);
    expect((await osma.tasks.get(task.id)).id).toBe(task.id);
    expect((await osma.tasks.update(task.id, { description: 'From the SDK' })).description).toBe('From the SDK');
    expect((await osma.tasks.list({ member: member.id })).data.map((t) => t.id)).toEqual([task.id]);
    expect((await osma.tasks.delete(task.id)).status).toBe('deleted');
    expect((await osma.members.delete(member.id)).status).toBe('deleted');

    const users = await osma.users.list();
    expect(users.data.length).toBeGreaterThan(0);
    expect((await osma.users.get(users.data[0]!.id)).id).toBe(users.data[0]!.id);

    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');
    const file = await osma.files.create({ filename: 'scan.pdf', content_type: 'application/pdf', size: pdf.length });
    expect(file.id).toMatch(/^file_/);
    const put = await fetch(file.upload_url, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: pdf });
    expect(put.status).toBe(200);
    expect((await osma.files.get(file.id)).id).toBe(file.id);
  });

  it('calls every webhook endpoint and event route', async () => {
    const endpoint = await osma.webhookEndpoints.create({ url: `${receiver.url}/sdk-${Date.now()}`, events: ['tasks.created'] });
    expect(endpoint.secret).toBeTruthy();
    expect((await osma.webhookEndpoints.get(endpoint.id)).id).toBe(endpoint.id);
    expect((await osma.webhookEndpoints.update(endpoint.id, { description: 'SDK' })).description).toBe('SDK');
    expect((await osma.webhookEndpoints.list()).data.map((e) => e.id)).toContain(endpoint.id);
    const rotated = await osma.webhookEndpoints.rotateSecret(endpoint.id);
    expect(rotated.secret).not.toBe(endpoint.secret);

    const task = await osma.tasks.create({ template: 'sdk_check' });
    const event = await eventually(async () => (await osma.events.list()).data.find((e) => (e.data as { id?: string }).id === task.id), 15_000, 'the task event');
    expect((await osma.events.get(event.id)).id).toBe(event.id);
    const deliveries = await eventually(async () => {
      const page = await osma.events.deliveries(event.id);
      return page.data.find((d) => d.endpoint === endpoint.id && d.status !== 'pending') ? page : undefined;
    }, 15_000, 'the delivery to settle');
    expect(deliveries.data.map((d) => d.endpoint)).toContain(endpoint.id);
    expect((await osma.events.resend(event.id, { endpoint: endpoint.id })).resends).toBe(1);
    expect((await osma.webhookEndpoints.delete(endpoint.id)).id).toBe(endpoint.id);
  });

  it('walks every page of a list with for await, over starting_after', async () => {
    const own = await newOrganization();
    const client = new Osma({ apiKey: own.testKey, apiBase: stack.url });
    const created = [];
    for (let i = 0; i < 5; i++) created.push((await client.members.create({ name: `Member ${i}`, email: email() })).id);

    const first = await client.members.list({ limit: 2 });
    const walked: string[] = [];
    for await (const member of first) walked.push(member.id);

    expect(first.data).toHaveLength(2);
    expect(first.has_next).toBe(true);
    expect(walked.sort()).toEqual(created.sort());
  });

  it('throws the error class of the answer type, with code, params, status and request-id', async () => {
    const missing = await osma.members.create({} as never).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(OsmaInvalidRequestError);
    expect(missing).toBeInstanceOf(OsmaError);
    expect(missing).toMatchObject({ status: 400, code: 'parameter_missing', type: 'invalid_request_error' });
    expect((missing as OsmaError).params.map((p) => p.param)).toContain('name');
    expect((missing as OsmaError).requestId).toBeTruthy();
    expect((missing as OsmaError).message).toBeTruthy();

    const unknown = await osma.members.get('mem_2BU1ecNdKXgRfRxPSjFDXfmv0tV').catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(OsmaInvalidRequestError);
    expect(unknown).toMatchObject({ status: 404, code: 'resource_not_found' });

    const key = crypto.randomUUID();
    await osma.members.create({ name: 'Once', email: email() }, { idempotencyKey: key });
    const reused = await osma.members.create({ name: 'Other', email: email() }, { idempotencyKey: key }).catch((error: unknown) => error);
    expect(reused).toBeInstanceOf(OsmaIdempotencyError);
    expect(reused).toMatchObject({ status: 400, type: 'idempotency_error' });

    const badKey = await new Osma({ apiKey: 'sk_test_nope', apiBase: stack.url }).members.list().catch((error: unknown) => error);
    expect(badKey).toBeInstanceOf(OsmaError);
    expect(badKey).toMatchObject({ status: 401 });

    const unreachable = await new Osma({ apiKey: org.testKey, apiBase: 'http://127.0.0.1:9', maxRetries: 1, retryDelays: { baseMs: 10 } }).members.list().catch((error: unknown) => error);
    expect(unreachable).toBeInstanceOf(OsmaConnectionError);
  });

  it('pins the API version per client', async () => {
    const old = new Osma({ apiKey: org.testKey, apiBase: stack.url, apiVersion: '2022-05-02' });
    const member = (await old.members.create({ name: 'Old Version', email: email() })) as Record<string, unknown>;
    expect(member).toHaveProperty('active', true);
    expect(member).not.toHaveProperty('status');
  });

  it('waits out a real 429 (retry-after) and then succeeds', async () => {
    const limited = await newOrganization({ rate_limits: { test: 2, live: 100 } });
    const recording = recordingFetch();
    const client = new Osma({ apiKey: limited.testKey, apiBase: stack.url, maxRetries: 6, fetch: recording.fetcher });

    const pages = await Promise.all(Array.from({ length: 6 }, () => client.members.list({ limit: 1 })));

    expect(pages).toHaveLength(6);
    expect(recording.statuses).toContain(429);
    expect(recording.statuses.filter((status) => status === 200)).toHaveLength(6);

    const strict = new Osma({ apiKey: limited.testKey, apiBase: stack.url, maxRetries: 0 });
    const answers = await Promise.allSettled(Array.from({ length: 6 }, () => strict.members.list({ limit: 1 })));
    const refused = answers.filter((answer) => answer.status === 'rejected').map((answer) => (answer as PromiseRejectedResult).reason);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toBeInstanceOf(OsmaRateLimitError);
    expect(refused[0]).toMatchObject({ status: 429, type: 'rate_limit_error' });
  });

  it('replays a POST through its idempotency key: the same key twice is one object', async () => {
    const recording = recordingFetch();
    const client = new Osma({ apiKey: org.testKey, apiBase: stack.url, fetch: recording.fetcher });
    const body = { name: 'Replayed', email: email() };
    const key = crypto.randomUUID();

    const first = await client.members.create(body, { idempotencyKey: key });
    const second = await client.members.create(body, { idempotencyKey: key });

    expect(second).toEqual(first);
    expect(recording.replayed).toEqual([null, 'true']);
    const all = [];
    for await (const member of client.members.list({ limit: 100 })) if (member.email === body.email) all.push(member);
    expect(all).toHaveLength(1);
  });

  it('sends a generated idempotency key on every POST, the same on each retry', async () => {
    const keys: (string | null)[] = [];
    let calls = 0;
    const flaky: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      keys.push(request.headers.get('idempotency-key'));
      if (++calls === 1) throw new TypeError('fetch failed');
      return fetch(request);
    };
    const client = new Osma({ apiKey: org.testKey, apiBase: stack.url, fetch: flaky, retryDelays: { baseMs: 10 } });

    const member = await client.members.create({ name: 'Retried', email: email() });

    expect(member.id).toMatch(/^mem_/);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
  });

  it("runs the example script: a member and a task created and listed", async () => {
    const own = await newOrganization();
    const { stdout } = await promisify(execFile)('node_modules/.bin/tsx', ['sdk/examples/quickstart.ts'], {
      env: { ...process.env, OSMA_API_KEY: own.testKey, OSMA_API_BASE: stack.url },
    });
    const memberId = /^member\s+(mem_\w+)/m.exec(stdout)?.[1];
    const taskId = /^task\s+(task_\w+)/m.exec(stdout)?.[1];
    expect(memberId, stdout).toBeDefined();
    expect(taskId, stdout).toBeDefined();
    expect(stdout).toContain(`  ${memberId}  Daisy Demo`);
    expect(stdout).toContain(`  ${taskId}  ready`);
  });
});
