import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '#shared/platform/db';
import { EVENT_RETENTION_SECONDS, eventItem } from '#shared/api/webhooks/outbox';
import { newId } from '#shared/platform/ids';
import { timestamp } from '#shared/platform/time';
import { call, newOrganization, TIMESTAMP } from '#test/support/api';
import { eventually, sleep, startReceiver, type Received, type Receiver } from '#test/support/receiver';

/**
 * Webhooks end to end, against the local stack: endpoints through the API, tasks written
 * through the API, and events POSTed by the stack's own router and sender (through DynamoDB
 * Local's stream and the fauxqs queue) to a receiver on 127.0.0.1. The suite's stack runs
 * with OSMA_WEBHOOK_RETRY_SCHEDULE=0,1,1,1 (four tries over three seconds) and disables an
 * endpoint after three deliveries in a row failed (test/support/global-setup.ts).
 */
const ENDPOINT_FIELDS = [
  'id',
  'url',
  'events',
  'description',
  'status',
  'disabled_reason',
  'live_mode',
  'metadata',
  'created_at',
  'updated_at',
  'previous_secret_expires_at',
];
const ALL_EVENTS = ['tasks.created', 'tasks.updated', 'tasks.completed', 'tasks.deleted'];
const TRIES = 4;

const stripe = new Stripe('sk_test_unused');
let org: Awaited<ReturnType<typeof newOrganization>>;
let receiver: Receiver;

const post = (path: string, body: unknown, key = org.testKey) => call('POST', path, { key, body });
const get = (path: string, key = org.testKey) => call('GET', path, { key });
const newPath = () => `/hooks/${randomUUID()}`;

async function createEndpoint(body: Record<string, unknown> = {}, key = org.testKey) {
  const path = newPath();
  const response = await post('/webhook_endpoints', { url: `${receiver.url}${path}`, events: ALL_EVENTS, ...body }, key);
  expect(response.status, response.text).toBe(201);
  return { path, endpoint: response.body as Record<string, any>, secret: response.body.secret as string };
}

const createTask = async (key = org.testKey) => {
  const response = await post('/tasks', { template: 'webhook_check' }, key);
  expect(response.status, response.text).toBe(201);
  return response.body as { id: string };
};

/** Every check a receiver should make, with third-party code: Stripe's and Standard Webhooks'. */
function verify(delivery: Received, secret: string) {
  const headers = delivery.headers as Record<string, string>;
  const viaStripe = stripe.webhooks.constructEvent(delivery.body, headers['osma-signature']!, secret);
  const viaStandard = new Webhook(secret).verify(delivery.body, {
    'webhook-id': headers['webhook-id']!,
    'webhook-timestamp': headers['webhook-timestamp']!,
    'webhook-signature': headers['webhook-signature']!,
  });
  expect(viaStripe).toEqual(JSON.parse(delivery.body));
  expect(viaStandard).toEqual(JSON.parse(delivery.body));
  expect(headers['webhook-id']).toBe(delivery.json.id);
  expect(headers['content-type']).toBe('application/json');
}

async function deliveriesOf(eventId: string) {
  const response = await get(`/events/${eventId}/deliveries`);
  expect(response.status, response.text).toBe(200);
  return response.body.data as Record<string, any>[];
}

async function settledDelivery(eventId: string, endpointId: string, timeoutMs = 15_000) {
  return eventually(
    async () => {
      const found = (await deliveriesOf(eventId)).find((delivery) => delivery.endpoint === endpointId);
      return found && found.status !== 'pending' ? found : undefined;
    },
    timeoutMs,
    `the delivery of ${eventId} to ${endpointId} to settle`,
  );
}

/** The events of one task in creation order, as the API lists them. */
async function eventsOfTask(taskId: string, key = org.testKey) {
  const response = await get('/events?limit=100', key);
  return (response.body.data as Record<string, any>[]).filter((event) => event.data.id === taskId).reverse();
}

beforeAll(async () => {
  receiver = await startReceiver();
});

// Each test has an organization of its own, so no other test's endpoint or event is in its way.
beforeEach(async () => {
  org = await newOrganization();
  for (const key of [org.testKey, org.liveKey]) {
    expect((await post('/task_templates', { reference: 'webhook_check', name: 'Webhook check' }, key)).status).toBe(201);
  }
});

afterAll(async () => {
  await receiver?.close();
});

describe('webhook endpoints', () => {
  it('are created with a signing secret shown only on create, then read, listed, updated and deleted', async () => {
    // Prepare
    const url = `${receiver.url}/crud`;

    // Act
    const created = await post('/webhook_endpoints', {
      url,
      events: ['tasks.completed', 'tasks.created', 'tasks.completed'],
      description: 'Our ERP',
      metadata: { team: 'ops' },
    });
    const id = created.body.id as string;
    const fetched = await get(`/webhook_endpoints/${id}`);
    const listed = await get('/webhook_endpoints?limit=100');
    const updated = await post(`/webhook_endpoints/${id}`, {
      events: ['tasks.deleted'],
      description: null,
      metadata: { team: null, owner: 'ana' },
      status: 'disabled',
    });
    const deleted = await call('DELETE', `/webhook_endpoints/${id}`, { key: org.testKey });
    const afterDelete = await get(`/webhook_endpoints/${id}`);

    // Assess
    expect(created.status).toBe(201);
    expect(Object.keys(created.body)).toEqual([...ENDPOINT_FIELDS, 'secret']);
    expect(created.body).toMatchObject({
      url,
      events: ['tasks.completed', 'tasks.created'],
      description: 'Our ERP',
      status: 'enabled',
      disabled_reason: null,
      live_mode: false,
      metadata: { team: 'ops' },
      previous_secret_expires_at: null,
    });
    expect(id).toMatch(/^we_[0-9A-Za-z]{27}$/);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.body.created_at).toMatch(TIMESTAMP);
    expect(fetched.status).toBe(200);
    expect(Object.keys(fetched.body)).toEqual(ENDPOINT_FIELDS);
    expect(fetched.text).not.toContain('whsec_');
    expect(listed.body.data.map((endpoint: { id: string }) => endpoint.id)).toContain(id);
    expect(listed.text).not.toContain('whsec_');
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      events: ['tasks.deleted'],
      description: null,
      metadata: { owner: 'ana' },
      status: 'disabled',
      disabled_reason: 'requested',
    });
    expect(updated.text).not.toContain('whsec_');
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id, status: 'deleted' });
    expect(deleted.text).not.toContain('whsec_');
    expect(afterDelete.status).toBe(404);
    expect(afterDelete.body.code).toBe('resource_not_found');
  });

  it('refuse unknown event names, an empty list, a missing url and unknown parameters', async () => {
    // Act
    const unknownEvent = await post('/webhook_endpoints', { url: `${receiver.url}/x`, events: ['tasks.created', 'tasks.exploded'] });
    const empty = await post('/webhook_endpoints', { url: `${receiver.url}/x`, events: [] });
    const missing = await post('/webhook_endpoints', { events: ['tasks.created'] });
    const unknownParam = await post('/webhook_endpoints', { url: `${receiver.url}/x`, events: ['tasks.created'], secret: 'mine' });

    // Assess
    expect(unknownEvent.status).toBe(400);
    expect(unknownEvent.body.params).toEqual([
      { param: 'events.1', message: 'events.1 must be one of: tasks.created, tasks.updated, tasks.completed, tasks.deleted' },
    ]);
    expect(empty.status).toBe(400);
    expect(empty.body.params).toEqual([{ param: 'events', message: 'events must name at least one event' }]);
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 'parameter_missing', params: [{ param: 'url', message: 'url is required' }] });
    expect(unknownParam.status).toBe(400);
    expect(unknownParam.body.params).toEqual([{ param: 'secret', message: 'Received unknown parameter: secret' }]);
  });

  it('take http to loopback in the local stage, and refuse other http, private and metadata addresses', async () => {
    // Act
    const loopback = await post('/webhook_endpoints', { url: 'http://localhost:9/hooks', events: ['tasks.created'] });
    const plainHttp = await post('/webhook_endpoints', { url: 'http://example.com/hooks', events: ['tasks.created'] });
    const metadata = await post('/webhook_endpoints', { url: 'https://169.254.169.254/latest', events: ['tasks.created'] });
    const privateNet = await post('/webhook_endpoints', { url: 'https://10.0.0.8/hooks', events: ['tasks.created'] });
    const updateToPrivate = await post(`/webhook_endpoints/${loopback.body.id}`, { url: 'https://[fd00:ec2::254]/' });

    // Assess
    expect(loopback.status).toBe(201);
    expect(plainHttp.status).toBe(400);
    expect(plainHttp.body.params).toEqual([{ param: 'url', message: 'url must use https (or http to a loopback address)' }]);
    for (const response of [metadata, privateNet, updateToPrivate]) {
      expect(response.status).toBe(400);
      expect(response.body.params[0].param).toBe('url');
      expect(response.body.params[0].message).toMatch(/^url is not allowed/);
    }
  });

  it('belong to their mode: a live key cannot see a test endpoint', async () => {
    // Prepare
    const { endpoint } = await createEndpoint();

    // Act
    const fromLive = await get(`/webhook_endpoints/${endpoint.id}`, org.liveKey);
    const liveList = await get('/webhook_endpoints', org.liveKey);
    const otherOrg = await get(`/webhook_endpoints/${endpoint.id}`, (await newOrganization()).testKey);

    // Assess
    expect(fromLive.status).toBe(404);
    expect(otherOrg.status).toBe(404);
    expect(liveList.body.data.map((e: { id: string }) => e.id)).not.toContain(endpoint.id);
  });
});

describe('events and deliveries', () => {
  it('deliver exactly the subscribed events, in their own mode, signed so that Stripe and Standard Webhooks verify them', async () => {
    // Prepare
    const completedOnly = await createEndpoint({ events: ['tasks.completed'] });
    const everything = await createEndpoint();
    const live = await createEndpoint({}, org.liveKey);

    // Act
    const task = await createTask();
    await post(`/tasks/${task.id}`, { status: 'in_progress' });
    await post(`/tasks/${task.id}`, { status: 'completed' });
    const deletedTask = await createTask();
    await call('DELETE', `/tasks/${deletedTask.id}`, { key: org.testKey });
    const liveTask = await createTask(org.liveKey);
    await receiver.waitFor(everything.path, 5);
    await receiver.waitFor(completedOnly.path, 1);
    await receiver.waitFor(live.path, 1);
    await sleep(1_500); // anything extra would have arrived by now

    // Assess
    const toEverything = receiver.at(everything.path);
    expect(toEverything.map((d) => d.json.event).sort()).toEqual(
      ['tasks.created', 'tasks.updated', 'tasks.completed', 'tasks.created', 'tasks.deleted'].sort(),
    );
    expect(new Set(toEverything.map((d) => d.json.data.id))).toEqual(new Set([task.id, deletedTask.id]));
    const toCompletedOnly = receiver.at(completedOnly.path);
    expect(toCompletedOnly.map((d) => [d.json.event, d.json.data.id, d.json.data.status])).toEqual([
      ['tasks.completed', task.id, 'completed'],
    ]);
    const toLive = receiver.at(live.path);
    expect(toLive.map((d) => [d.json.event, d.json.data.id, d.json.data.live_mode])).toEqual([['tasks.created', liveTask.id, true]]);
    for (const delivery of toEverything) verify(delivery, everything.secret);
    verify(toCompletedOnly[0]!, completedOnly.secret);
    verify(toLive[0]!, live.secret);
    expect(() => verify(toCompletedOnly[0]!, everything.secret)).toThrow();
    // The POSTed body is the event object the API serves, field for field.
    const completed = toCompletedOnly[0]!;
    expect(Object.keys(completed.json)).toEqual(['id', 'event', 'created_at', 'data']);
    expect((await get(`/events/${completed.json.id}`)).text).toBe(completed.body);
    const deliveries = await deliveriesOf(completed.json.id);
    expect(deliveries.map((d) => d.endpoint).sort()).toEqual([completedOnly.endpoint.id, everything.endpoint.id].sort());
    expect(deliveries.every((d) => d.status === 'succeeded' && d.attempts.length === 1)).toBe(true);
  });

  it('are listed newest first for 30 days, one by one, and only in their own mode', async () => {
    // Prepare
    const task = await createTask();
    await post(`/tasks/${task.id}`, { status: 'completed' });

    // Act
    const events = await eventsOfTask(task.id);
    const first = await get('/events?limit=1');
    const next = await get(`/events?limit=1&starting_after=${first.body.data[0].id}`);
    const one = await get(`/events/${events[0]!.id}`);
    const fromLive = await get(`/events/${events[0]!.id}`, org.liveKey);
    const unknown = await get('/events/evt_2BU1ecNdKXgRfRxPSjFDXfmv0tV');
    const badCursor = await get('/events?starting_after=task_2BU1ecNdKXgRfRxPSjFDXfmv0tV');

    // Assess
    expect(events.map((event) => event.event)).toEqual(['tasks.created', 'tasks.completed']);
    expect(first.body).toMatchObject({ has_next: true, data: [{ id: events[1]!.id }] });
    expect(next.body.data[0].id).toBe(events[0]!.id);
    expect(one.status).toBe(200);
    expect(Object.keys(one.body)).toEqual(['id', 'event', 'created_at', 'data']);
    expect(one.body).toMatchObject({ event: 'tasks.created', data: { id: task.id, status: 'ready' } });
    expect(one.body.id).toMatch(/^evt_[0-9A-Za-z]{27}$/);
    expect(one.body.created_at).toMatch(TIMESTAMP);
    expect(fromLive.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(badCursor.status).toBe(400);
  });

  it('hide events past their 30 days that TTL has not yet deleted, also across a page boundary', async () => {
    // Prepare: two events 31 days old, still in the table (TTL deletes within a day or two), then a live one
    const scope = { organizationId: org.organizationId, mode: 'test' as const };
    const monthAgo = Date.now() - (EVENT_RETENTION_SECONDS + 24 * 3600) * 1000;
    const expired = [0, 1].map((i) => {
      const item = eventItem(scope, 'tasks.created', { id: `task_expired_${i}` });
      const id = newId('event', monthAgo + i * 1000);
      return { ...item, sk: id, id, created_at: timestamp(new Date(monthAgo + i * 1000)), expires_at: Math.floor(monthAgo / 1000) + EVENT_RETENTION_SECONDS };
    });
    for (const item of expired) await db().send(new PutCommand({ TableName: process.env.OSMA_TABLE_NAME!, Item: item }));
    const { endpoint } = await createEndpoint({ events: ['tasks.created'] });
    await createTask();

    // Act
    const page = await get('/events?limit=1');
    const all = await get('/events?limit=100');
    const one = await get(`/events/${expired[0]!.id}`);
    const resend = await post(`/events/${expired[1]!.id}/resend`, { endpoint: endpoint.id });

    // Assess
    expect(page.body.data).toHaveLength(1);
    expect(page.body.data[0].event).toBe('tasks.created');
    expect(page.body.has_next).toBe(false);
    expect(all.body.data.map((event: { id: string }) => event.id)).toEqual([page.body.data[0].id]);
    expect(one.status).toBe(404);
    expect(resend.status).toBe(404);
  });

  it('count every one of racing resends: each starts its own series and none is lost', async () => {
    // Prepare
    const { path, endpoint } = await createEndpoint({ events: ['tasks.created'] });
    await createTask();
    const [delivered] = await receiver.waitFor(path, 1);
    const eventId = delivered!.json.id;

    // Act
    const answers = await Promise.all(Array.from({ length: 6 }, () => post(`/events/${eventId}/resend`, { endpoint: endpoint.id })));
    const settled = await settledDelivery(eventId, endpoint.id);

    // Assess
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(answers.map((answer) => answer.body.resends).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(settled.resends).toBe(6);
  });

  it('retry a failing receiver on the schedule: the same event id arrives until it is taken, and every attempt is visible', async () => {
    // Prepare: 500 three times, then 200 (the fourth and last try of the suite's schedule)
    const { path, endpoint, secret } = await createEndpoint({ events: ['tasks.created'] });
    receiver.answer(path, (_, seen) => ({ status: seen <= 3 ? 500 : 204 }));

    // Act
    await createTask();
    const received = await receiver.waitFor(path, TRIES);
    const delivery = await settledDelivery(received[0]!.json.id, endpoint.id);

    // Assess
    expect(new Set(received.map((d) => d.json.id)).size).toBe(1);
    expect(new Set(received.map((d) => d.body)).size).toBe(1);
    for (const d of received) verify(d, secret);
    expect(delivery).toMatchObject({ status: 'succeeded', failure_reason: null, resends: 0, next_attempt_at: null, url: endpoint.url });
    expect(delivery.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([500, 500, 500, 204]);
    for (const attempt of delivery.attempts) {
      expect(attempt).toEqual({ attempted_at: expect.stringMatching(TIMESTAMP), resend: 0, status_code: expect.any(Number), latency_ms: expect.any(Number), error: null });
    }
    // The retries came about a second apart (the schedule 0,1,1,1 with its jitter).
    const gaps = received.slice(1).map((d, i) => d.at - received[i]!.at);
    for (const gap of gaps) expect(gap).toBeGreaterThan(700);
  });

  it('honour a retry-after longer than the schedule', async () => {
    // Prepare
    const { path, endpoint } = await createEndpoint({ events: ['tasks.created'] });
    receiver.answer(path, (_, seen) => (seen === 1 ? { status: 503, headers: { 'retry-after': '3' } } : { status: 200 }));

    // Act
    await createTask();
    const received = await receiver.waitFor(path, 2);
    const delivery = await settledDelivery(received[0]!.json.id, endpoint.id);

    // Assess
    expect(received[1]!.at - received[0]!.at).toBeGreaterThanOrEqual(2_900);
    expect(delivery.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([503, 200]);
  });

  it('record errors without an answer, and mark a delivery failed once the schedule is exhausted; a resend delivers it', async () => {
    // Prepare: an endpoint that answers 500 to everything
    const { path, endpoint, secret } = await createEndpoint({ events: ['tasks.created'] });
    receiver.answer(path, () => ({ status: 500 }));
    const refused = await createEndpoint({ events: ['tasks.created'], url: 'http://127.0.0.1:9/nothing-listens' });

    // Act
    await createTask();
    const [first] = await receiver.waitFor(path, 1);
    const eventId = first!.json.id;
    const failed = await settledDelivery(eventId, endpoint.id);
    const unreachable = await settledDelivery(eventId, refused.endpoint.id);
    receiver.answer(path, () => ({ status: 200 }));
    const resend = await post(`/events/${eventId}/resend`, { endpoint: endpoint.id });
    const resent = await settledDelivery(eventId, endpoint.id);

    // Assess
    expect(failed).toMatchObject({ status: 'failed', failure_reason: 'retries_exhausted', next_attempt_at: null, resends: 0 });
    expect(failed.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([500, 500, 500, 500]);
    expect(unreachable).toMatchObject({ status: 'failed', failure_reason: 'retries_exhausted' });
    expect(unreachable.attempts).toHaveLength(TRIES);
    expect(unreachable.attempts[0]).toMatchObject({ status_code: null, error: 'connection refused' });
    expect(resend.status).toBe(200);
    expect(resend.body).toMatchObject({ event: eventId, endpoint: endpoint.id, status: 'pending', resends: 1 });
    expect(resent).toMatchObject({ status: 'succeeded', failure_reason: null, resends: 1 });
    expect(resent.attempts.map((a: { resend: number; status_code: number }) => [a.resend, a.status_code])).toEqual([
      [0, 500],
      [0, 500],
      [0, 500],
      [0, 500],
      [1, 200],
    ]);
    const all = receiver.at(path);
    expect(all).toHaveLength(TRIES + 1);
    expect(new Set(all.map((d) => d.json.id))).toEqual(new Set([eventId]));
    verify(all.at(-1)!, secret);
  });

  it('resend only to an enabled endpoint of the same mode that listens to the event', async () => {
    // Prepare
    const listening = await createEndpoint({ events: ['tasks.created'] });
    const deaf = await createEndpoint({ events: ['tasks.deleted'] });
    const live = await createEndpoint({}, org.liveKey);
    await createTask();
    const [delivered] = await receiver.waitFor(listening.path, 1);
    const eventId = delivered!.json.id;
    await post(`/webhook_endpoints/${listening.endpoint.id}`, { status: 'disabled' });

    // Act
    const notListening = await post(`/events/${eventId}/resend`, { endpoint: deaf.endpoint.id });
    const otherMode = await post(`/events/${eventId}/resend`, { endpoint: live.endpoint.id });
    const disabled = await post(`/events/${eventId}/resend`, { endpoint: listening.endpoint.id });
    const unknownEvent = await post('/events/evt_2BU1ecNdKXgRfRxPSjFDXfmv0tV/resend', { endpoint: listening.endpoint.id });
    const missing = await post(`/events/${eventId}/resend`, {});

    // Assess
    expect(notListening.status).toBe(400);
    expect(notListening.body.params).toEqual([
      { param: 'endpoint', message: `Webhook endpoint ${deaf.endpoint.id} does not listen to tasks.created events.` },
    ]);
    expect(otherMode.status).toBe(400);
    expect(otherMode.body).toMatchObject({ code: 'resource_not_found', params: [{ param: 'endpoint' }] });
    expect(disabled.status).toBe(400);
    expect(disabled.body.code).toBe('invalid_status');
    expect(unknownEvent.status).toBe(404);
    expect(missing.body.code).toBe('parameter_missing');
  });

  it('disable an endpoint that answers 410 Gone, and send nothing more to it', async () => {
    // Prepare
    const { path, endpoint } = await createEndpoint({ events: ['tasks.created'] });
    receiver.answer(path, () => ({ status: 410 }));

    // Act
    await createTask();
    const [gone] = await receiver.waitFor(path, 1);
    const delivery = await settledDelivery(gone!.json.id, endpoint.id);
    const disabled = await eventually(async () => {
      const response = await get(`/webhook_endpoints/${endpoint.id}`);
      return response.body.status === 'disabled' ? response.body : undefined;
    });
    await createTask();
    await sleep(1_500);

    // Assess
    expect(delivery).toMatchObject({ status: 'failed', failure_reason: 'endpoint_gone' });
    expect(delivery.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([410]);
    expect(disabled).toMatchObject({ status: 'disabled', disabled_reason: 'endpoint_gone' });
    expect(receiver.at(path)).toHaveLength(1);
  });

  it('drop a pending delivery when its endpoint is disabled, saying why', async () => {
    // Prepare: an endpoint whose first answer is 500, so a retry is pending
    const { path, endpoint } = await createEndpoint({ events: ['tasks.created'] });
    receiver.answer(path, () => ({ status: 500 }));
    await createTask();
    const [first] = await receiver.waitFor(path, 1);

    // Act
    await post(`/webhook_endpoints/${endpoint.id}`, { status: 'disabled' });
    const delivery = await settledDelivery(first!.json.id, endpoint.id);

    // Assess
    expect(delivery).toMatchObject({ status: 'failed', failure_reason: 'endpoint_disabled' });
    expect(delivery.attempts.length).toBeLessThan(TRIES);
  });

  it('disable an endpoint whose deliveries keep failing (three in a row here)', async () => {
    // Prepare
    const { path, endpoint } = await createEndpoint({ events: ['tasks.created'] });
    receiver.answer(path, () => ({ status: 500 }));

    // Act
    for (let i = 0; i < 3; i++) await createTask();
    const disabled = await eventually(
      async () => {
        const response = await get(`/webhook_endpoints/${endpoint.id}`);
        return response.body.status === 'disabled' ? response.body : undefined;
      },
      20_000,
      'the endpoint to be disabled',
    );
    const enabledAgain = await post(`/webhook_endpoints/${endpoint.id}`, { status: 'enabled' });

    // Assess
    expect(disabled.disabled_reason).toBe('failing');
    expect(receiver.at(path)).toHaveLength(3 * TRIES);
    expect(enabledAgain.body).toMatchObject({ status: 'enabled', disabled_reason: null });
  });

  it('carry both signatures for 24 hours after a rotation, each verifying with its own secret', async () => {
    // Prepare
    const { path, endpoint, secret: oldSecret } = await createEndpoint({ events: ['tasks.created'] });

    // Act
    const rotated = await post(`/webhook_endpoints/${endpoint.id}/rotate_secret`, {});
    const fetched = await get(`/webhook_endpoints/${endpoint.id}`);
    await createTask();
    const [delivery] = await receiver.waitFor(path, 1);

    // Assess
    expect(rotated.status).toBe(200);
    expect(Object.keys(rotated.body)).toEqual([...ENDPOINT_FIELDS, 'secret']);
    const newSecret = rotated.body.secret as string;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    const expires = Date.parse(rotated.body.previous_secret_expires_at);
    expect(expires - Date.now()).toBeGreaterThan(24 * 3600_000 - 60_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
    expect(fetched.text).not.toContain('whsec_');
    expect(fetched.body.previous_secret_expires_at).toBe(rotated.body.previous_secret_expires_at);
    expect(delivery!.headers['osma-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(String(delivery!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    verify(delivery!, newSecret);
    verify(delivery!, oldSecret);
  });
});
