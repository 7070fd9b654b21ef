import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';
import { type EventType } from '#shared/api/webhooks/outbox';
import { eventKeys } from '#shared/api/webhooks/keys';
import { isId } from '#shared/platform/ids';
import { queryPage, unexpired, type Page, type PageRequest } from '#shared/platform/pagination';
import type { Scope } from '#shared/platform/table';
import { task } from '#shared/api/tasks/schemas';
import { orderedTransitions, type StatusTransition } from '#shared/platform/transitions';
import type { WebhookEvent } from '#shared/api/webhooks/schemas';

/**
 * Reading the outbox: the events of an organization and mode, newest first, for 30 days, so
 * that a consumer can catch up after its own downtime. The event object is exactly the
 * spec's Webhook Event Attributes (id, event, created_at, data); a webhook POSTs the same.
 */
export interface EventItem extends WebhookEvent {
  pk: string;
  sk: string;
  entity: 'event';
  organization_id: string;
  mode: Scope['mode'];
  /** Unix seconds: the TTL. */
  expires_at: number;
}

export function fromItem(item: object): WebhookEvent {
  const e = item as EventItem;
  return { id: e.id, event: e.event, created_at: e.created_at, data: shapeData(e.event, e.data) };
}

/** DynamoDB keeps no key order in maps: the resource is given its own field order back. */
function shapeData(event: EventType, data: Record<string, unknown>): Record<string, unknown> {
  if (!event.startsWith('tasks.')) return data;
  const ordered: Record<string, unknown> = {};
  for (const key of Object.keys(task.shape)) if (key in data) ordered[key] = data[key];
  for (const key of Object.keys(data)) if (!(key in ordered)) ordered[key] = data[key];
  if (Array.isArray(ordered.status_transitions)) {
    ordered.status_transitions = orderedTransitions(ordered.status_transitions as StatusTransition<string>[]);
  }
  return ordered;
}

/** TTL deletes expired items within a day or two; until then they are filtered out. */
export function isLive(item: EventItem, now: number = Date.now()): boolean {
  return item.expires_at * 1000 > now;
}

export async function readEvent(scope: Scope, id: string): Promise<EventItem | undefined> {
  if (!isId('event', id)) return undefined;
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: eventKeys.key(scope, id), ConsistentRead: true }));
  const item = Item as EventItem | undefined;
  return item && isLive(item) ? item : undefined;
}

export async function requireEvent(scope: Scope, id: string): Promise<EventItem> {
  const item = await readEvent(scope, id);
  if (!item) throw errors.notFound('event', id);
  return item;
}

export async function getEvent(scope: Scope, id: string): Promise<WebhookEvent> {
  return fromItem(await requireEvent(scope, id));
}

export function listEvents(scope: Scope, request: PageRequest): Promise<Page<WebhookEvent>> {
  return queryPage({
    kind: 'event',
    request,
    source: { partitionKey: 'pk', partitionValue: eventKeys.pk(scope), idKey: 'sk' },
    filter: unexpired(),
    fromItem,
  });
}
