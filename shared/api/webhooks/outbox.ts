import { newId } from '#shared/platform/ids';
import { scopeKey, type Scope } from '#shared/platform/table';
import { timestamp } from '#shared/platform/time';
import { eventKeys } from '#shared/api/webhooks/keys';

/**
 * The outbox: an event is an item written in the same transaction as the change it reports,
 * so a change without its event (or an event without its change) cannot happen. The table's
 * stream carries it on to the webhook pipeline. Events are kept 30 days (TTL).
 */
export const EVENT_TYPES = ['tasks.created', 'tasks.updated', 'tasks.completed', 'tasks.deleted'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const EVENT_RETENTION_SECONDS = 30 * 24 * 60 * 60;

export interface OsmaEvent {
  id: string;
  event: EventType;
  created_at: string;
  data: object;
}

/** The item to Put in the change's transaction. */
export function eventItem(scope: Scope, event: EventType, data: object): Record<string, unknown> {
  const id = newId('event');
  const now = new Date();
  return {
    ...eventKeys.key(scope, id),
    entity: 'event',
    organization_id: scope.organizationId,
    mode: scope.mode,
    id,
    event,
    created_at: timestamp(now),
    data,
    expires_at: Math.floor(now.getTime() / 1000) + EVENT_RETENTION_SECONDS,
  };
}
