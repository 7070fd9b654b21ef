import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTaskTemplate } from '#shared/api/task-templates/template';
import { createEndpoint, disableEndpoint } from '#shared/api/webhooks/endpoint';
import { eventItem } from '#shared/api/webhooks/outbox';
import { generateApiKey, storeApiKey } from '#shared/identity/api-keys/api-key';
import { listAudit } from '#shared/identity/audit/audit';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';
import type { Mode, Scope } from '#shared/platform/table';
import { call, type ApiResponse } from '#test/support/api';
import { logIn, manage, newPerson } from '#test/support/management';
import { eventually, startReceiver, type Receiver } from '#test/support/receiver';

/**
 * The Osma API's resources through the management API, against the local stack: webhook
 * endpoints, events with their deliveries, task templates, per mode, with the public API's
 * rules and items. Tasks are made with the public API and a key of the same organization, and
 * the stack's own router and sender POST their events to a receiver on 127.0.0.1. Each test
 * has organizations of its own.
 */

type Person = { organizationId: string; userId: string; token: string };

async function signedIn(roles: string[]): Promise<Person> {
  const person = await newPerson(roles);
  const { 'access-token': token } = await logIn(person.email, person.password);
  return { organizationId: person.organizationId, userId: person.userId, token };
}

const scope = (person: Person, mode: Mode = 'test'): Scope => ({ organizationId: person.organizationId, mode });

async function testKeyOf(person: Person) {
  const key = generateApiKey('test');
  await storeApiKey(person.organizationId, key);
  return key;
}

const ALL_EVENTS = ['tasks.created', 'tasks.updated', 'tasks.completed', 'tasks.deleted'];

/**
 * An endpoint the test's own process makes with the domain (which resolves no name for an IP
 * address), listening to no event the test writes, so the sender never tries to reach it.
 */
const QUIET_ENDPOINT = { url: 'https://93.184.216.34/hook', events: ['tasks.deleted' as const] };

let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver?.close();
});

function createEndpointVia(token: string, attributes: Record<string, unknown>) {
  return manage('POST', '/v1/webhook-endpoints/', { token, body: { data: { type: 'webhook-endpoints', attributes } } });
}

async function newEndpoint(person: Person, attributes: Record<string, unknown> = {}) {
  const path = `/hooks/${randomUUID()}`;
  const created = await createEndpointVia(person.token, { mode: 'test', url: `${receiver.url}${path}`, events: ALL_EVENTS, ...attributes });
  expect(created.status, created.text).toBe(201);
  return { path, id: created.body.data.id as string, secret: created.body.data.attributes.secret as string };
}

function createTemplateVia(token: string, attributes: Record<string, unknown>) {
  return manage('POST', '/v1/task-templates/', { token, body: { data: { type: 'task-templates', attributes } } });
}

const actionsOf = async (organizationId: string) => (await listAudit(organizationId, { limit: 100 })).data;

describe('webhook endpoints, events and deliveries, per mode', () => {
  it('takes a test endpoint, shows the event of a task made with the test key and its attempts, resends it, and shows live none of it', async () => {
    // Prepare
    const developer = await signedIn(['developer']);
    const testKey = await testKeyOf(developer);
    const template = await createTemplateVia(developer.token, { mode: 'test', reference: 'check', name: 'Check' });
    expect(template.status, template.text).toBe(201);

    // Act: the endpoint, then a task made through the public API
    const path = `/hooks/${randomUUID()}`;
    const created = await createEndpointVia(developer.token, { mode: 'test', url: `${receiver.url}${path}`, events: ['tasks.created'], description: 'ERP' });
    const task = await call('POST', '/tasks', { key: testKey, body: { template: 'check' } });
    const [first] = await receiver.waitFor(path, 1);

    // Assert: the endpoint, its secret shown once, and the POST signed with it
    expect(created.status, created.text).toBe(201);
    const endpoint = created.body.data;
    expect(endpoint).toMatchObject({
      type: 'webhook-endpoints',
      attributes: { mode: 'test', url: `${receiver.url}${path}`, events: ['tasks.created'], description: 'ERP', status: 'enabled', 'disabled-reason': null },
    });
    expect(endpoint.id).toMatch(/^we_/);
    expect(endpoint.attributes.secret).toMatch(/^whsec_/);
    expect(task.status, task.text).toBe(201);
    const headers = first!.headers as Record<string, string>;
    const verified = new Webhook(endpoint.attributes.secret).verify(first!.body, {
      'webhook-id': headers['webhook-id']!,
      'webhook-timestamp': headers['webhook-timestamp']!,
      'webhook-signature': headers['webhook-signature']!,
    });
    expect(verified).toMatchObject({ event: 'tasks.created', data: { id: task.body.id } });
    const read = await manage('GET', `/v1/webhook-endpoints/${endpoint.id}/?filter[mode]=test`, { token: developer.token });
    expect(read.status).toBe(200);
    expect(read.body.data.attributes).not.toHaveProperty('secret');
    expect(read.text).not.toContain(endpoint.attributes.secret);

    // Assert: the event, as the receiver got it
    const events = await manage('GET', '/v1/events/?filter[mode]=test', { token: developer.token });
    expect(events.status).toBe(200);
    expect(events.body.data).toHaveLength(1);
    const event = events.body.data[0];
    expect(event).toMatchObject({ type: 'events', id: first!.json.id, attributes: { mode: 'test', event: 'tasks.created', data: { id: task.body.id } } });
    expect(event.attributes.data).toEqual(first!.json.data);
    const one = await manage('GET', `/v1/events/${event.id}/?filter[mode]=test`, { token: developer.token });
    expect(one.body.data).toEqual(event);

    // Assert: its delivery, with the attempt
    const deliveriesOf = () => manage('GET', `/v1/events/${event.id}/deliveries/?filter[mode]=test`, { token: developer.token });
    const settled = await eventually(async () => {
      const delivery = (await deliveriesOf()).body.data[0];
      return delivery?.attributes.status === 'succeeded' ? delivery : undefined;
    });
    expect(settled).toMatchObject({
      type: 'webhook-deliveries',
      id: `${event.id}:${endpoint.id}`,
      attributes: { mode: 'test', event: event.id, endpoint: endpoint.id, resends: 0, 'failure-reason': null },
    });
    expect(settled.attributes.attempts).toEqual([
      { 'attempted-at': expect.any(String), resend: 0, 'status-code': 200, 'latency-ms': expect.any(Number), error: null },
    ]);

    // Act: resend
    const resent = await manage('POST', `/v1/events/${event.id}/resend/?filter[mode]=test`, { token: developer.token, body: { endpoint: endpoint.id } });
    await receiver.waitFor(path, 2);

    // Assert: a second series, its attempt arrived and is listed
    expect(resent.status, resent.text).toBe(201);
    expect(resent.body.data).toMatchObject({ type: 'webhook-deliveries', attributes: { status: 'pending', resends: 1 } });
    expect(receiver.at(path).map((entry) => entry.json.id)).toEqual([event.id, event.id]);
    const twice = await eventually(async () => {
      const delivery = (await deliveriesOf()).body.data[0];
      return delivery?.attributes.attempts.length === 2 && delivery.attributes.status === 'succeeded' ? delivery : undefined;
    });
    expect(twice.attributes.attempts.map((attempt: { resend: number }) => attempt.resend)).toEqual([0, 1]);

    // Assert: live mode sees none of it
    for (const listPath of ['/v1/events/', '/v1/webhook-endpoints/', '/v1/task-templates/']) {
      const live = await manage('GET', `${listPath}?filter[mode]=live`, { token: developer.token });
      expect(live.status).toBe(200);
      expect(live.body.data).toEqual([]);
    }
    for (const itemPath of [`/v1/events/${event.id}/`, `/v1/events/${event.id}/deliveries/`, `/v1/webhook-endpoints/${endpoint.id}/`, '/v1/task-templates/check/']) {
      const live = await manage('GET', `${itemPath}?filter[mode]=live`, { token: developer.token });
      expect(live.status, itemPath).toBe(404);
      expect(live.body.errors[0].code).toBe('resource_not_found');
    }
    const liveResend = await manage('POST', `/v1/events/${event.id}/resend/?filter[mode]=live`, { token: developer.token, body: { endpoint: endpoint.id } });
    expect(liveResend.status).toBe(404);

    // Assert: the audit trail names the changes, never the secret or the URL
    const audit = await actionsOf(developer.organizationId);
    expect(audit.map((entry) => entry.action)).toEqual(expect.arrayContaining(['webhook_endpoint.created', 'task_template.created']));
    const createdEntry = audit.find((entry) => entry.action === 'webhook_endpoint.created')!;
    expect(createdEntry).toMatchObject({
      actor: { type: 'user', id: developer.userId },
      target: { type: 'webhook-endpoint', id: endpoint.id },
      data: { mode: 'test', events: 'tasks.created' },
    });
    expect(JSON.stringify(audit)).not.toContain(endpoint.attributes.secret);
    expect(JSON.stringify(audit)).not.toContain(receiver.url);
  });

  it('pages events by cursor, with links to the next and previous pages', async () => {
    // Prepare: three events written as the outbox writes them
    const viewer = await signedIn(['viewer']);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const item = eventItem(scope(viewer), 'tasks.created', { id: `task_${i}` });
      await db().send(new PutCommand({ TableName: tableName(), Item: item }));
      ids.unshift(item.id as string);
    }

    // Act
    const first = await manage('GET', '/v1/events/?filter[mode]=test&page[limit]=2', { token: viewer.token });
    const second = await manage('GET', first.body.links.next, { token: viewer.token });
    const back = await manage('GET', second.body.links.prev, { token: viewer.token });

    // Assert
    expect(first.body.data.map((event: { id: string }) => event.id)).toEqual(ids.slice(0, 2));
    expect(first.body.links.prev).toBeUndefined();
    expect(first.body.meta).toEqual({ page: { limit: 2 } });
    expect(second.body.data.map((event: { id: string }) => event.id)).toEqual(ids.slice(2));
    expect(second.body.links.next).toBeUndefined();
    expect(back.body.data.map((event: { id: string }) => event.id)).toEqual(ids.slice(0, 2));
  });

  it('rotates a secret, answering the new one once, and records it', async () => {
    // Prepare
    const developer = await signedIn(['developer']);
    const { id, secret } = await newEndpoint(developer);

    // Act
    const rotated = await manage('POST', `/v1/webhook-endpoints/${id}/rotate-secret/?filter[mode]=test`, { token: developer.token });
    const after = await manage('GET', `/v1/webhook-endpoints/${id}/?filter[mode]=test`, { token: developer.token });
    const list = await manage('GET', '/v1/webhook-endpoints/?filter[mode]=test', { token: developer.token });

    // Assert
    expect(rotated.status, rotated.text).toBe(201);
    const fresh = rotated.body.data.attributes.secret;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(secret);
    expect(rotated.body.data.attributes['previous-secret-expires-at']).toEqual(expect.any(String));
    expect(after.text).not.toContain(fresh);
    expect(list.text).not.toContain(fresh);
    expect(list.text).not.toContain('"secret"');
    const audit = await actionsOf(developer.organizationId);
    expect(audit.find((entry) => entry.action === 'webhook_endpoint.secret_rotated')).toMatchObject({ target: { id }, data: { mode: 'test' } });
    expect(JSON.stringify(audit)).not.toContain(fresh);
  });

  it('enables again an endpoint the sender disabled, once, and records it', async () => {
    // Prepare: the sender's own write when deliveries keep failing
    const developer = await signedIn(['developer']);
    const { id } = await newEndpoint(developer);
    expect(await disableEndpoint(scope(developer), id, 'failing')).toBe(true);
    const disabled = await manage('GET', `/v1/webhook-endpoints/${id}/?filter[mode]=test`, { token: developer.token });

    // Act
    const enabled = await manage('POST', `/v1/webhook-endpoints/${id}/enable/?filter[mode]=test`, { token: developer.token });
    const again = await manage('POST', `/v1/webhook-endpoints/${id}/enable/?filter[mode]=test`, { token: developer.token });

    // Assert
    expect(disabled.body.data.attributes).toMatchObject({ status: 'disabled', 'disabled-reason': 'failing' });
    expect(enabled.status, enabled.text).toBe(201);
    expect(enabled.body.data.attributes).toMatchObject({ status: 'enabled', 'disabled-reason': null });
    expect(again.status).toBe(201);
    expect(again.body.data.attributes.status).toBe('enabled');
    const entries = (await actionsOf(developer.organizationId)).filter((entry) => entry.action === 'webhook_endpoint.enabled');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ target: { id }, data: { mode: 'test', status: 'enabled', 'disabled-reason': 'failing', changed: 'status' } });
  });

  it('changes and deletes an endpoint, with the public rules', async () => {
    // Prepare
    const developer = await signedIn(['developer']);
    const { id } = await newEndpoint(developer, { metadata: { plan: 'gold' } });
    const patch = (attributes: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      manage('PATCH', `/v1/webhook-endpoints/${id}/?filter[mode]=test`, {
        token: developer.token,
        body: { data: { type: 'webhook-endpoints', ...extra, attributes } },
      });

    // Act
    const changed = await patch({ events: ['tasks.completed'], description: 'Billing', metadata: { team: 'ops' } }, { id });
    const otherId = await patch({ description: 'x' }, { id: 'we_other' });
    const disabling = await patch({ status: 'disabled' });
    const deleted = await manage('DELETE', `/v1/webhook-endpoints/${id}/?filter[mode]=test`, { token: developer.token });
    const gone = await manage('GET', `/v1/webhook-endpoints/${id}/?filter[mode]=test`, { token: developer.token });
    const deletedAgain = await manage('DELETE', `/v1/webhook-endpoints/${id}/?filter[mode]=test`, { token: developer.token });

    // Assert
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.data.attributes).toMatchObject({ events: ['tasks.completed'], description: 'Billing', metadata: { plan: 'gold', team: 'ops' } });
    expect(otherId.status).toBe(400);
    expect(otherId.body.errors[0].source).toEqual({ pointer: '/data/id' });
    expect(disabling.body.data.attributes).toMatchObject({ status: 'disabled', 'disabled-reason': 'requested' });
    expect(deleted.status).toBe(204);
    expect(gone.status).toBe(404);
    expect(deletedAgain.status).toBe(404);
    const audit = await actionsOf(developer.organizationId);
    const updates = audit.filter((entry) => entry.action === 'webhook_endpoint.updated').map((entry) => entry.data);
    expect(updates).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ changed: 'events,description,metadata', status: 'enabled' }),
        expect.objectContaining({ changed: 'status', status: 'disabled' }),
      ]),
    );
    expect(audit.filter((entry) => entry.action === 'webhook_endpoint.deleted')).toHaveLength(1);
  });

  it('refuses what the public API refuses, in the same words, pointing at the attribute', async () => {
    // Prepare
    const developer = await signedIn(['developer']);
    const testKey = await testKeyOf(developer);
    const { id } = await newEndpoint(developer);

    // Act: an address the URL policy forbids, through both APIs
    const managed = await createEndpointVia(developer.token, { mode: 'test', url: 'https://10.0.0.1/hooks', events: ALL_EVENTS });
    const publicAnswer = await call('POST', '/webhook_endpoints', { key: testKey, body: { url: 'https://10.0.0.1/hooks', events: ALL_EVENTS } });
    const patched = await manage('PATCH', `/v1/webhook-endpoints/${id}/?filter[mode]=test`, {
      token: developer.token,
      body: { data: { type: 'webhook-endpoints', attributes: { url: 'https://user:pw@example.com/x' } } },
    });

    // Assert
    expect(managed.status).toBe(400);
    expect(publicAnswer.status).toBe(400);
    expect(managed.body.errors).toEqual([
      { status: 400, code: 'invalid_parameter', detail: publicAnswer.body.params[0].message, source: { pointer: '/data/attributes/url' } },
    ]);
    expect(patched.status).toBe(400);
    expect(patched.body.errors[0]).toMatchObject({ detail: 'url must not contain credentials', source: { pointer: '/data/attributes/url' } });
    expect((await manage('GET', '/v1/webhook-endpoints/?filter[mode]=test', { token: developer.token })).body.data).toHaveLength(1);
  });
});

describe('task templates, per mode', () => {
  it('are created, listed, read with their versions, changed into a new version, and audited', async () => {
    // Prepare
    const developer = await signedIn(['developer']);
    const testKey = await testKeyOf(developer);
    const parameters = { type: 'object', properties: { systolic: { type: 'integer', maximum: 300 } } };

    // Act
    const created = await createTemplateVia(developer.token, { mode: 'test', reference: 'update_blood_pressure', name: 'Blood pressure', parameters });
    const patched = await manage('PATCH', '/v1/task-templates/update_blood_pressure/?filter[mode]=test', {
      token: developer.token,
      body: { data: { type: 'task-templates', id: 'update_blood_pressure', attributes: { name: 'Update blood pressure', description: 'Take a reading' } } },
    });
    const unchanged = await manage('PATCH', '/v1/task-templates/update_blood_pressure/?filter[mode]=test', {
      token: developer.token,
      body: { data: { type: 'task-templates', attributes: { name: 'Update blood pressure' } } },
    });
    const list = await manage('GET', '/v1/task-templates/?filter[mode]=test', { token: developer.token });
    const latest = await manage('GET', '/v1/task-templates/update_blood_pressure/?filter[mode]=test', { token: developer.token });
    const first = await manage('GET', '/v1/task-templates/update_blood_pressure/?filter[mode]=test&version=1', { token: developer.token });
    const publicView = await call('GET', '/task_templates/update_blood_pressure', { key: testKey });

    // Assert
    expect(created.status, created.text).toBe(201);
    expect(created.body.data).toMatchObject({
      type: 'task-templates',
      id: 'update_blood_pressure',
      attributes: { mode: 'test', reference: 'update_blood_pressure', version: 1, name: 'Blood pressure', renderless: false, parameters },
    });
    expect(created.body.data.attributes['template-id']).toMatch(/^tmpl_/);
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.data.attributes).toMatchObject({ version: 2, name: 'Update blood pressure', description: 'Take a reading' });
    expect(unchanged.body.data.attributes.version).toBe(2);
    expect(list.body.data.map((template: { id: string }) => template.id)).toEqual(['update_blood_pressure']);
    expect(latest.body.data.attributes.version).toBe(2);
    expect(latest.body.meta.versions).toEqual([
      { version: 2, name: 'Update blood pressure', 'updated-at': expect.any(String) },
      { version: 1, name: 'Blood pressure', 'updated-at': expect.any(String) },
    ]);
    expect(first.body.data.attributes).toMatchObject({ version: 1, name: 'Blood pressure', description: null });
    expect(publicView.body).toMatchObject({ id: created.body.data.attributes['template-id'], version: 2, name: 'Update blood pressure' });
    const audit = (await actionsOf(developer.organizationId)).filter((entry) => entry.action.startsWith('task_template.'));
    expect(audit.map((entry) => [entry.action, entry.data?.version, entry.data?.changed])).toEqual([
      ['task_template.updated', 2, 'name,description'],
      ['task_template.created', 1, undefined],
    ]);
  });

  it('refuse a schema and a taken reference as the public API does, pointing at the attribute; of two racing creates one wins', async () => {
    // Prepare
    const developer = await signedIn(['developer']);
    const testKey = await testKeyOf(developer);

    // Act
    const badSchema = await createTemplateVia(developer.token, { mode: 'test', reference: 'bad', name: 'Bad', parameters: { $ref: '#' } });
    const publicBad = await call('POST', '/task_templates', { key: testKey, body: { reference: 'bad', name: 'Bad', parameters: { $ref: '#' } } });
    const racing = await Promise.all(
      [1, 2, 3].map(() => createTemplateVia(developer.token, { mode: 'test', reference: 'once', name: 'Once' })),
    );
    const inLive = await createTemplateVia(developer.token, { mode: 'live', reference: 'once', name: 'Once, live' });

    // Assert
    expect(badSchema.status).toBe(400);
    expect(badSchema.body.errors).toEqual([
      { status: 400, code: 'invalid_parameter', detail: publicBad.body.params[0].message, source: { pointer: '/data/attributes/parameters/$ref' } },
    ]);
    expect(racing.map((answer) => answer.status).sort()).toEqual([201, 409, 409]);
    const taken = racing.find((answer) => answer.status === 409)!;
    expect(taken.body.errors[0]).toMatchObject({ code: 'resource_already_exists', source: { pointer: '/data/attributes/reference' } });
    expect(inLive.status).toBe(201);
    expect(inLive.body.data.attributes.mode).toBe('live');
  });
});

describe('permissions and isolation', () => {
  it('lets a viewer read every resource and change none: 403 forbidden', async () => {
    // Prepare: resources of the viewer's organization, made by the domain
    const viewer = await signedIn(['viewer']);
    const endpoint = await createEndpoint(scope(viewer), QUIET_ENDPOINT);
    await createTaskTemplate(scope(viewer), { reference: 'seen', name: 'Seen', renderless: false });
    const event = eventItem(scope(viewer), 'tasks.created', { id: 'task_1' });
    await db().send(new PutCommand({ TableName: tableName(), Item: event }));
    const token = viewer.token;

    // Act
    const reads = await Promise.all(
      [
        '/v1/webhook-endpoints/',
        `/v1/webhook-endpoints/${endpoint.id}/`,
        '/v1/events/',
        `/v1/events/${event.id}/`,
        `/v1/events/${event.id}/deliveries/`,
        '/v1/task-templates/',
        '/v1/task-templates/seen/',
      ].map((path) => manage('GET', `${path}?filter[mode]=test`, { token })),
    );
    const changes = await Promise.all([
      createEndpointVia(token, { mode: 'test', url: 'https://example.com/x', events: ALL_EVENTS }),
      manage('PATCH', `/v1/webhook-endpoints/${endpoint.id}/?filter[mode]=test`, { token, body: { data: { type: 'webhook-endpoints', attributes: {} } } }),
      manage('DELETE', `/v1/webhook-endpoints/${endpoint.id}/?filter[mode]=test`, { token }),
      manage('POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret/?filter[mode]=test`, { token }),
      manage('POST', `/v1/webhook-endpoints/${endpoint.id}/enable/?filter[mode]=test`, { token }),
      manage('POST', `/v1/events/${event.id}/resend/?filter[mode]=test`, { token, body: { endpoint: endpoint.id } }),
      createTemplateVia(token, { mode: 'test', reference: 'mine', name: 'Mine' }),
      manage('PATCH', '/v1/task-templates/seen/?filter[mode]=test', { token, body: { data: { type: 'task-templates', attributes: { name: 'Changed' } } } }),
    ]);

    // Assert
    expect(reads.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200, 200]);
    expect(reads[1]!.text).not.toContain('whsec_');
    for (const answer of changes) {
      expect(answer.status).toBe(403);
      expect(answer.body.errors[0].code).toBe('forbidden');
    }
    expect((await manage('GET', `/v1/task-templates/seen/?filter[mode]=test`, { token })).body.data.attributes.name).toBe('Seen');
  });

  it("answers 404 for another organization's ids, on every route", async () => {
    // Prepare
    const owner = await signedIn(['owner']);
    const stranger = await signedIn(['developer']);
    const endpoint = await createEndpoint(scope(owner), QUIET_ENDPOINT);
    await createTaskTemplate(scope(owner), { reference: 'private', name: 'Private', renderless: false });
    const event = eventItem(scope(owner), 'tasks.created', { id: 'task_1' });
    await db().send(new PutCommand({ TableName: tableName(), Item: event }));
    const token = stranger.token;

    // Act
    const answers = await Promise.all([
      manage('GET', `/v1/webhook-endpoints/${endpoint.id}/?filter[mode]=test`, { token }),
      manage('PATCH', `/v1/webhook-endpoints/${endpoint.id}/?filter[mode]=test`, { token, body: { data: { type: 'webhook-endpoints', attributes: { description: 'mine' } } } }),
      manage('DELETE', `/v1/webhook-endpoints/${endpoint.id}/?filter[mode]=test`, { token }),
      manage('POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret/?filter[mode]=test`, { token }),
      manage('POST', `/v1/webhook-endpoints/${endpoint.id}/enable/?filter[mode]=test`, { token }),
      manage('GET', `/v1/events/${event.id}/?filter[mode]=test`, { token }),
      manage('GET', `/v1/events/${event.id}/deliveries/?filter[mode]=test`, { token }),
      manage('POST', `/v1/events/${event.id}/resend/?filter[mode]=test`, { token, body: { endpoint: endpoint.id } }),
      manage('GET', '/v1/task-templates/private/?filter[mode]=test', { token }),
      manage('PATCH', '/v1/task-templates/private/?filter[mode]=test', { token, body: { data: { type: 'task-templates', attributes: { name: 'Mine' } } } }),
    ]);
    const lists = await Promise.all(
      ['/v1/webhook-endpoints/', '/v1/events/', '/v1/task-templates/'].map((path) => manage('GET', `${path}?filter[mode]=test`, { token })),
    );

    // Assert
    expect(answers.map((answer) => answer.status)).toEqual([404, 404, 404, 404, 404, 404, 404, 404, 404, 404]);
    for (const answer of answers) expect(answer.body.errors[0].code).toBe('resource_not_found');
    for (const list of lists) expect(list.body.data).toEqual([]);
    expect((await manage('GET', `/v1/webhook-endpoints/${endpoint.id}/?filter[mode]=test`, { token: owner.token })).body.data.attributes.description).toBeNull();
  });
});

describe('hostile input', () => {
  it('is a 4xx naming the field or parameter, and writes nothing', async () => {
    // Prepare
    const developer = await signedIn(['developer']);
    const { id } = await newEndpoint(developer);
    const token = developer.token;
    const create = (attributes: unknown, type = 'webhook-endpoints') =>
      manage('POST', '/v1/webhook-endpoints/', { token, body: { data: { type, attributes } } });
    const valid = { mode: 'test', url: 'https://example.com/hook', events: ALL_EVENTS };

    // Act
    const cases: [Promise<ApiResponse>, Record<string, string>][] = [
      [manage('GET', '/v1/webhook-endpoints/', { token }), { parameter: 'filter[mode]' }],
      [manage('GET', '/v1/events/?filter[mode]=prod', { token }), { parameter: 'filter[mode]' }],
      [manage('GET', `/v1/webhook-endpoints/${id}/`, { token }), { parameter: 'filter[mode]' }],
      [manage('GET', '/v1/events/?filter[mode]=test&page[limit]=0', { token }), { parameter: 'page[limit]' }],
      [manage('GET', '/v1/events/?filter[mode]=test&page[after]=nope', { token }), { parameter: 'page[after]' }],
      [manage('GET', '/v1/webhook-endpoints/?filter[mode]=test&page[offset]=5', { token }), { parameter: 'page[offset]' }],
      [manage('GET', '/v1/task-templates/x/?filter[mode]=test&version=0', { token }), { parameter: 'version' }],
      [create({ ...valid, mode: undefined }), { pointer: '/data/attributes/mode' }],
      [create({ ...valid, mode: 'prod' }), { pointer: '/data/attributes/mode' }],
      [create({ ...valid, url: 'x'.repeat(5000) }), { pointer: '/data/attributes/url' }],
      [create({ ...valid, url: 42 }), { pointer: '/data/attributes/url' }],
      [create({ ...valid, events: 'tasks.created' }), { pointer: '/data/attributes/events' }],
      [create({ ...valid, events: ['tasks.exploded'] }), { pointer: '/data/attributes/events/0' }],
      [create({ ...valid, 'disabled-reason': 'x' }), { pointer: '/data/attributes/disabled-reason' }],
      [create({ ...valid, secret: 'whsec_mine' }), { pointer: '/data/attributes/secret' }],
      [create({ ...valid, '': 1 }), { pointer: '/data/attributes/' }],
      [create({ ...valid, constructor: 'x' }), { pointer: '/data/attributes/constructor' }],
      [create({ ...valid, metadata: { plan: 'x'.repeat(501) } }), { pointer: '/data/attributes/metadata/plan' }],
      [create(valid, 'task-templates'), { pointer: '/data/type' }],
      [create([valid]), { pointer: '/data/attributes' }],
      [
        manage('POST', '/v1/webhook-endpoints/', {
          token,
          rawBody: `{"data": {"type": "webhook-endpoints", "attributes": {"__proto__": {"mode": "live"}, "url": "https://example.com", "events": ["tasks.created"]}}}`,
        }),
        {},
      ],
      [manage('POST', '/v1/webhook-endpoints/', { token, rawBody: '{"data": ' }), {}],
      [manage('POST', `/v1/events/evt_x/resend/?filter[mode]=test`, { token, body: { endpoint: 7 } }), { pointer: '/endpoint' }],
      [manage('POST', `/v1/events/evt_x/resend/?filter[mode]=test`, { token, body: { endpoint: id, extra: 1 } }), { pointer: '/extra' }],
      [manage('POST', `/v1/webhook-endpoints/${id}/rotate-secret/?filter[mode]=test`, { token, body: { secret: 'mine' } }), { pointer: '/secret' }],
      [createTemplateVia(token, { mode: 'test', reference: 'a#v000001', name: 'Hash' }), { pointer: '/data/attributes/reference' }],
      [createTemplateVia(token, { mode: 'test', reference: 'ok', name: ' ' }), { pointer: '/data/attributes/name' }],
      [createTemplateVia(token, { mode: 'test', reference: 'ok', name: 'Ok', parameters: 'object' }), { pointer: '/data/attributes/parameters' }],
    ];
    const answers = await Promise.all(cases.map(([answer]) => answer));

    // Assert
    answers.forEach((answer, index) => {
      const expected = cases[index]![1];
      expect(answer.status, `case ${index}: ${answer.text}`).toBe(400);
      if (Object.keys(expected).length) expect(answer.body.errors.map((error: { source?: object }) => error.source), `case ${index}`).toContainEqual(expected);
    });
    const endpoints = await manage('GET', '/v1/webhook-endpoints/?filter[mode]=test', { token });
    expect(endpoints.body.data.map((endpoint: { id: string }) => endpoint.id)).toEqual([id]);
    expect((await manage('GET', '/v1/webhook-endpoints/?filter[mode]=live', { token })).body.data).toEqual([]);
    expect((await manage('GET', '/v1/task-templates/?filter[mode]=test', { token })).body.data).toEqual([]);
  });
});
