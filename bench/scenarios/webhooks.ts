import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { bareDb, bareGet, bareList, json, makeTasks, notFound, objectOf, pool, taskFixture, type Scenario } from '#bench/scenarios/bare';
import type { BenchOrganization } from '#bench/support/environment';
import { mapLimit } from '#bench/support/stats';
import { tableName } from '#shared/platform/config';
import { MAX_RESENDS, resendEvent } from '#shared/api/webhooks/delivery';
import { deliveryKeys, endpointKeys, eventKeys } from '#shared/api/webhooks/keys';
import { listEvents } from '#shared/api/webhooks/event';
import { EVENT_TYPES } from '#shared/api/webhooks/outbox';
import { newId } from '#shared/platform/ids';
import type { Scope } from '#shared/platform/table';
import { timestamp } from '#shared/platform/time';
import { createEndpoint } from '#shared/api/webhooks/endpoint';
import { generateSecret } from '#shared/api/webhooks/signing';

/**
 * Webhook endpoints and events (extensions). The endpoints point at a loopback address that
 * nobody serves: the bench's stack runs no webhook pipeline outside its own section, so no
 * delivery is attempted, and an IP literal keeps DNS out of the timings.
 */
const HOOK_URL = 'http://127.0.0.1:9/bench-hooks';

const endpointBody = (description = 'Bench receiver') => ({
  url: HOOK_URL,
  events: [...EVENT_TYPES],
  description,
  metadata: { source: 'bench' },
});

const makeEndpoints = (scope: Scope, count: number) =>
  mapLimit(Array.from({ length: count }), 8, async (_, i) => (await createEndpoint(scope, endpointBody(`Bench receiver ${i}`))).id);

/** Events come from task changes: `count` tasks made is `count` tasks.created events. */
async function makeEvents(org: BenchOrganization, count: number): Promise<string[]> {
  await makeTasks(org, await taskFixture(org), count);
  const page = await listEvents(org.scope, { limit: count });
  return page.data.map((event) => event.id);
}

/** Bare endpoint change: read, apply, one conditional Put (the domain's optimistic write). */
async function bareEndpointChange(scope: Scope, id: string, change: (item: Record<string, any>) => Record<string, any>) {
  const { Item } = await bareDb().send(new GetCommand({ TableName: tableName(), Key: endpointKeys.key(scope, id), ConsistentRead: true }));
  if (!Item) return notFound();
  const next = { ...Item, ...change(Item), updated_at: timestamp(), version: (Item.version as number) + 1 };
  await bareDb().send(
    new PutCommand({ TableName: tableName(), Item: next, ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': Item.version } }),
  );
  const { secret: _secret, previous_secret: _previous, ...shown } = objectOf(next);
  return json(200, shown);
}

export const webhookScenarios: Record<string, Scenario> = {
  createWebhookEndpoint: {
    kind: 'create',
    async prepare(org) {
      return {
        kind: 'create',
        request: () => ({ body: endpointBody() }),
        async bare(request) {
          const input = request.body as ReturnType<typeof endpointBody>;
          const now = timestamp();
          const id = newId('webhookEndpoint');
          const endpoint = {
            id,
            url: input.url,
            events: input.events,
            description: input.description,
            status: 'enabled',
            disabled_reason: null,
            live_mode: false,
            metadata: input.metadata,
            created_at: now,
            updated_at: now,
            secret: generateSecret(),
          };
          const item = {
            ...endpointKeys.key(org.scope, id),
            entity: 'webhook_endpoint',
            version: 1,
            organization_id: org.organizationId,
            mode: org.scope.mode,
            consecutive_failed_deliveries: 0,
            ...endpoint,
          };
          await bareDb().send(new PutCommand({ TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
          return json(201, { ...endpoint, previous_secret_expires_at: null });
        },
      };
    },
  },

  getWebhookEndpoint: {
    kind: 'getOne',
    async prepare(org) {
      const [id] = await makeEndpoints(org.scope, 1);
      return {
        kind: 'getOne',
        request: () => ({ pathParameters: { id: id! } }),
        bare: (request) => bareGet(endpointKeys.key(org.scope, request.pathParameters!.id!), true),
      };
    },
  },

  updateWebhookEndpoint: {
    kind: 'change',
    async prepare(org) {
      const [id] = await makeEndpoints(org.scope, 1);
      let n = 0;
      return {
        kind: 'change',
        request: () => ({ pathParameters: { id: id! }, body: { description: `Bench receiver, round ${n++}` } }),
        bare: (request) =>
          bareEndpointChange(org.scope, request.pathParameters!.id!, () => ({ description: (request.body as { description: string }).description })),
      };
    },
  },

  deleteWebhookEndpoint: {
    kind: 'change',
    async prepare(org, calls) {
      const take = pool(await makeEndpoints(org.scope, calls));
      return {
        kind: 'change',
        request: () => ({ pathParameters: { id: take() } }),
        async bare(request) {
          const key = endpointKeys.key(org.scope, request.pathParameters!.id!);
          const { Item } = await bareDb().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
          if (!Item) return notFound();
          await bareDb().send(
            new DeleteCommand({ TableName: tableName(), Key: key, ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': Item.version } }),
          );
          const { secret: _secret, ...shown } = objectOf(Item);
          return json(200, { ...shown, status: 'deleted', updated_at: timestamp() });
        },
      };
    },
  },

  listWebhookEndpoints: {
    kind: 'list',
    async prepare(org) {
      await makeEndpoints(org.scope, 12);
      return {
        kind: 'list',
        request: () => ({ query: { limit: '10' } }),
        bare: () => bareList({ partitionKey: 'pk', partitionValue: endpointKeys.pk(org.scope) }, 10),
      };
    },
  },

  rotateWebhookEndpointSecret: {
    kind: 'change',
    async prepare(org) {
      const [id] = await makeEndpoints(org.scope, 1);
      return {
        kind: 'change',
        request: () => ({ pathParameters: { id: id! } }),
        bare: (request) =>
          bareEndpointChange(org.scope, request.pathParameters!.id!, (item) => ({
            secret: generateSecret(),
            previous_secret: item.secret,
            previous_secret_expires_at: Math.floor(Date.now() / 1000) + 24 * 3600,
          })),
      };
    },
  },

  listEvents: {
    kind: 'list',
    async prepare(org) {
      await makeEvents(org, 25);
      return {
        kind: 'list',
        request: () => ({ query: { limit: '10' } }),
        bare: () =>
          bareList({ partitionKey: 'pk', partitionValue: eventKeys.pk(org.scope) }, 10, {
            expression: '#expires > :now',
            names: { '#expires': 'expires_at' },
            values: { ':now': Math.floor(Date.now() / 1000) },
          }),
      };
    },
  },

  getEvent: {
    kind: 'getOne',
    async prepare(org) {
      const [id] = await makeEvents(org, 1);
      return {
        kind: 'getOne',
        request: () => ({ pathParameters: { id: id! } }),
        bare: (request) => bareGet(eventKeys.key(org.scope, request.pathParameters!.id!), true),
      };
    },
  },

  listEventDeliveries: {
    kind: 'list',
    async prepare(org) {
      // An event delivered to three endpoints: a resend makes the delivery item a send would.
      const [eventId] = await makeEvents(org, 1);
      const endpoints = await makeEndpoints(org.scope, 3);
      for (const endpoint of endpoints) await resendEvent(org.scope, eventId!, endpoint);
      return {
        kind: 'list',
        request: () => ({ pathParameters: { id: eventId! }, query: { limit: '10' } }),
        async bare(request) {
          const id = request.pathParameters!.id!;
          const { Item } = await bareDb().send(new GetCommand({ TableName: tableName(), Key: eventKeys.key(org.scope, id), ConsistentRead: true }));
          if (!Item) return notFound();
          return bareList({ partitionKey: 'pk', partitionValue: deliveryKeys.pk(org.scope, id) }, 10);
        },
      };
    },
  },

  resendEvent: {
    kind: 'change',
    async prepare(org, calls) {
      // One event may be resent to one endpoint MAX_RESENDS times: enough endpoints that the
      // calls (real and bare alike) never reach it. Each has had one resend already, so every
      // timed call is the steady case: a delivery that exists.
      const [eventId] = await makeEvents(org, 1);
      const endpoints = await makeEndpoints(org.scope, Math.ceil(calls / (MAX_RESENDS - 10)) + 1);
      for (const endpoint of endpoints) await resendEvent(org.scope, eventId!, endpoint);
      let n = 0;
      return {
        kind: 'change',
        request: () => ({ pathParameters: { id: eventId! }, body: { endpoint: endpoints[n++ % endpoints.length]! } }),
        async bare(request) {
          const id = request.pathParameters!.id!;
          const endpointId = (request.body as { endpoint: string }).endpoint;
          const keys = [eventKeys.key(org.scope, id), endpointKeys.key(org.scope, endpointId)];
          const { Responses } = await bareDb().send(new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: keys, ConsistentRead: true } } }));
          const found = Responses?.[tableName()] ?? [];
          const event = found.find((item) => item.sk === id);
          const endpoint = found.find((item) => item.sk === endpointId);
          if (!event || !endpoint) return notFound();
          const now = timestamp();
          const { Attributes } = await bareDb().send(
            new UpdateCommand({
              TableName: tableName(),
              Key: deliveryKeys.key(org.scope, id, endpointId),
              UpdateExpression:
                'SET #url = :url, #status = :pending, failure_reason = :null, resends = if_not_exists(resends, :zero) + :one, ' +
                'series_attempts = :zero, next_attempt_at = :null, updated_at = :now, resend_requested_at = :now',
              ConditionExpression: 'attribute_not_exists(pk) OR resends < :max',
              ExpressionAttributeNames: { '#url': 'url', '#status': 'status' },
              ExpressionAttributeValues: { ':url': endpoint.url, ':pending': 'pending', ':null': null, ':zero': 0, ':one': 1, ':now': now, ':max': MAX_RESENDS },
              ReturnValues: 'ALL_NEW',
            }),
          );
          return json(200, objectOf(Attributes!));
        },
      };
    },
  },
};
