import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '#shared/platform/config';
import { batchGet, db, isConditionFailure } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';
import { isLive, requireEvent, type EventItem } from '#shared/api/webhooks/event';
import { deliveryKeys, endpointKeys, eventKeys } from '#shared/api/webhooks/keys';
import { isId } from '#shared/platform/ids';
import { queryPage, type Page, type PageRequest } from '#shared/platform/pagination';
import { scopeKey, type Scope } from '#shared/platform/table';
import { timestamp } from '#shared/platform/time';
import { listensTo, type EndpointItem } from '#shared/api/webhooks/endpoint';
import type { DeliveryAttempt, DeliveryStatus, FailureReason, WebhookDelivery } from '#shared/api/webhooks/schemas';

/**
 * Deliveries: one item per (event, endpoint), in a partition per event so that an event's
 * deliveries are one Query, sorted by endpoint id. It holds the delivery's status, every
 * attempt (time, status code, latency, error) and when the next one is due. It is kept as
 * long as its event, 30 days.
 *
 * A delivery runs in series: the automatic one (resend 0) and one per resend. The sender
 * writes each attempt on the condition that the item is still at the series and attempt
 * count it read, so a duplicate SQS message or a replayed stream record can never record an
 * attempt twice, and a message of an old series is dropped.
 *
 * A resend is written here (not sent to the queue by the API): the item's change reaches
 * the event router through the table's stream, which enqueues it, as the outbox does.
 */
export interface AttemptItem extends DeliveryAttempt {}

export interface DeliveryItem {
  pk: string;
  sk: string;
  entity: 'webhook_delivery';
  organization_id: string;
  mode: Scope['mode'];
  event_id: string;
  event_type: EventItem['event'];
  endpoint_id: string;
  url: string;
  status: DeliveryStatus;
  failure_reason: FailureReason | null;
  /** The current series: 0 for the automatic delivery, n after the n-th resend. */
  resends: number;
  /** Attempts made in the current series: the position in the retry schedule. */
  series_attempts: number;
  attempts: AttemptItem[];
  next_attempt_at: string | null;
  created_at: string;
  updated_at: string;
  /** Unix seconds: the TTL, the event's own. */
  expires_at: number;
  /** Set by a resend until its first attempt; the stream filter of the router looks for it. */
  resend_requested_at?: string;
}

/** How many times one event may be resent to one endpoint (an item holds every attempt). */
export const MAX_RESENDS = 100;

export function fromItem(item: object): WebhookDelivery {
  const d = item as DeliveryItem;
  return {
    event: d.event_id,
    endpoint: d.endpoint_id,
    url: d.url,
    status: d.status,
    failure_reason: d.failure_reason ?? null,
    resends: d.resends,
    attempts: (d.attempts ?? []).map(({ attempted_at, resend, status_code, latency_ms, error }) => ({
      attempted_at,
      resend,
      status_code,
      latency_ms,
      error,
    })),
    next_attempt_at: d.next_attempt_at ?? null,
    created_at: d.created_at,
    updated_at: d.updated_at,
  };
}

export async function listDeliveries(scope: Scope, eventId: string, request: PageRequest): Promise<Page<WebhookDelivery>> {
  await requireEvent(scope, eventId);
  return queryPage({
    kind: 'webhookEndpoint',
    request,
    source: { partitionKey: 'pk', partitionValue: deliveryKeys.pk(scope, eventId), idKey: 'sk' },
    fromItem,
  });
}

/**
 * Sends one event to one endpoint again, as a new series of attempts on the retry schedule.
 * The endpoint must be enabled and listen to the event; it need not have had the event
 * before (an endpoint made after the event can catch up this way).
 *
 * The event and the endpoint are read together; the delivery is not read at all: one
 * UpdateItem starts the series whether or not the delivery exists, and counts the resend
 * atomically, so racing resends each count and none is lost.
 */
export async function resendEvent(scope: Scope, eventId: string, endpointId: string): Promise<WebhookDelivery> {
  if (!isId('event', eventId)) throw errors.notFound('event', eventId);
  const eventKey = eventKeys.key(scope, eventId);
  const endpointKey = endpointKeys.key(scope, endpointId);
  const find = await batchGet(isId('webhookEndpoint', endpointId) ? [eventKey, endpointKey] : [eventKey]);
  const event = find(eventKey) as EventItem | undefined;
  if (!event || !isLive(event)) throw errors.notFound('event', eventId);
  const endpoint = find(endpointKey) as EndpointItem | undefined;
  if (!endpoint) throw errors.bodyReferenceNotFound('endpoint', `No webhook endpoint with the id '${endpointId}' exists in this mode.`);
  if (endpoint.status !== 'enabled') {
    throw errors.invalidStatus(`Webhook endpoint ${endpointId} is ${endpoint.status}; enable it before resending to it.`);
  }
  if (!listensTo(endpoint, event.event)) {
    throw errors.invalidParams([
      { param: 'endpoint', message: `Webhook endpoint ${endpointId} does not listen to ${event.event} events.` },
    ]);
  }
  const now = timestamp();
  const set: Record<string, unknown> = {
    ...deliveryBase(scope, event, endpoint),
    status: 'pending',
    failure_reason: null,
    series_attempts: 0,
    next_attempt_at: null,
    updated_at: now,
    resend_requested_at: now,
  };
  const names = Object.fromEntries(Object.keys(set).map((name) => [`#${name}`, name]));
  try {
    const { Attributes } = await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: deliveryKeys.key(scope, eventId, endpointId),
        UpdateExpression:
          `SET ${Object.keys(set).map((name) => `#${name} = :${name}`).join(', ')}, ` +
          'created_at = if_not_exists(created_at, :now), attempts = if_not_exists(attempts, :no_attempts), ' +
          'resends = if_not_exists(resends, :zero) + :one',
        ConditionExpression: 'attribute_not_exists(pk) OR resends < :max',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: {
          ...Object.fromEntries(Object.entries(set).map(([name, value]) => [`:${name}`, value])),
          ':now': now,
          ':no_attempts': [],
          ':zero': 0,
          ':one': 1,
          ':max': MAX_RESENDS,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return fromItem(Attributes!);
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    throw errors.invalidStatus(`Event ${eventId} was resent to ${endpointId} ${MAX_RESENDS} times, the most allowed.`);
  }
}

function deliveryBase(scope: Scope, event: EventItem, endpoint: EndpointItem) {
  return {
    entity: 'webhook_delivery' as const,
    organization_id: scope.organizationId,
    mode: scope.mode,
    event_id: event.id,
    event_type: event.event,
    endpoint_id: endpoint.id,
    url: endpoint.url,
    expires_at: event.expires_at,
  };
}

/** What the sender needs for one message, read together: the event, the endpoint, the delivery. */
export async function loadForDelivery(
  scope: Scope,
  eventId: string,
  endpointId: string,
): Promise<{ event?: EventItem; endpoint?: EndpointItem; delivery?: DeliveryItem }> {
  const keys = [eventKeys.key(scope, eventId), endpointKeys.key(scope, endpointId), deliveryKeys.key(scope, eventId, endpointId)];
  const find = await batchGet(keys);
  const event = find(keys[0]!) as EventItem | undefined;
  return {
    event: event && isLive(event) ? event : undefined,
    endpoint: find(keys[1]!) as EndpointItem | undefined,
    delivery: find(keys[2]!) as DeliveryItem | undefined,
  };
}

/** Where a delivery stood when the sender read it: the write is conditional on it. */
export interface DeliveryPosition {
  exists: boolean;
  resends: number;
  seriesAttempts: number;
}

export interface DeliveryChange {
  status: DeliveryStatus;
  failure_reason: FailureReason | null;
  next_attempt_at: string | null;
  url: string;
  attempt?: AttemptItem;
}

/**
 * Writes the outcome of one attempt (or of a drop, without an attempt). Returns false when
 * the delivery moved since it was read: another copy of the message recorded this attempt,
 * or a resend started a new series, and this outcome is not written.
 */
export async function recordDelivery(
  scope: Scope,
  event: EventItem,
  endpointId: string,
  position: DeliveryPosition,
  change: DeliveryChange,
): Promise<boolean> {
  const now = timestamp();
  const seriesAttempts = position.seriesAttempts + (change.attempt ? 1 : 0);
  try {
    if (!position.exists) {
      const item: DeliveryItem = {
        ...deliveryKeys.key(scope, event.id, endpointId),
        entity: 'webhook_delivery',
        organization_id: scope.organizationId,
        mode: scope.mode,
        event_id: event.id,
        event_type: event.event,
        endpoint_id: endpointId,
        url: change.url,
        status: change.status,
        failure_reason: change.failure_reason,
        resends: 0,
        series_attempts: seriesAttempts,
        attempts: change.attempt ? [change.attempt] : [],
        next_attempt_at: change.next_attempt_at,
        created_at: change.attempt?.attempted_at ?? now,
        updated_at: now,
        expires_at: event.expires_at,
      };
      await db().send(new PutCommand({ TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    }
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: deliveryKeys.key(scope, event.id, endpointId),
        UpdateExpression:
          'SET #status = :status, failure_reason = :reason, next_attempt_at = :next, #url = :url, updated_at = :now, ' +
          'series_attempts = :attempted, attempts = list_append(attempts, :attempt) REMOVE resend_requested_at',
        ConditionExpression: 'resends = :resends AND series_attempts = :read',
        ExpressionAttributeNames: { '#status': 'status', '#url': 'url' },
        ExpressionAttributeValues: {
          ':status': change.status,
          ':reason': change.failure_reason,
          ':next': change.next_attempt_at,
          ':url': change.url,
          ':now': now,
          ':attempted': seriesAttempts,
          ':attempt': change.attempt ? [change.attempt] : [],
          ':resends': position.resends,
          ':read': position.seriesAttempts,
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
