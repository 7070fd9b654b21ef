import { SendMessageBatchCommand, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import type { AttributeValue as StreamAttributeValue, DynamoDBRecord } from 'aws-lambda';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DeliveryItem } from '#shared/api/webhooks/delivery';
import type { EventItem } from '#shared/api/webhooks/event';
import { logger } from '#shared/platform/logger';
import { sqs } from '#shared/platform/queue';
import { scopeKey, type Scope } from '#shared/platform/table';
import { allEndpoints, listensTo, type EndpointItem } from '#shared/api/webhooks/endpoint';
import { MAX_FIRST_DELAY_SECONDS } from '#shared/api/webhooks/retry';
import { retrySchedule, webhookQueueUrl } from '#shared/api/webhooks/settings';
import { matchesFilter } from '#shared/api/webhooks/stream-filter';

/**
 * The event router's work: from a batch of stream records to one SQS message per delivery.
 *
 * - A new event item goes to every enabled endpoint of its organization and mode that
 *   listens to its event type: one Query of the endpoints per (organization, mode) per batch.
 * - A delivery item changed by a resend (a new series) is enqueued for its endpoint.
 *
 * Nothing is written here: replaying a record (Lambda retries, a bisected batch) only sends
 * its messages again, and the sender's conditional writes make a duplicate harmless.
 */
export interface DeliveryMessage {
  organization_id: string;
  mode: Scope['mode'];
  event: string;
  endpoint: string;
  /** The series the message belongs to: 0 for the automatic delivery, n for the n-th resend. */
  resend: number;
}

interface Planned {
  recordIndex: number;
  message: DeliveryMessage;
}

/**
 * Routes the records in order and returns the index of the first record whose messages
 * could not all be sent (every record before it is done), or undefined when all are.
 */
export async function routeRecords(records: DynamoDBRecord[]): Promise<number | undefined> {
  const endpointsByScope = new Map<string, Promise<EndpointItem[]>>();
  const endpointsOf = (scope: Scope) => {
    const key = scopeKey(scope);
    let found = endpointsByScope.get(key);
    if (!found) {
      found = allEndpoints(scope);
      endpointsByScope.set(key, found);
    }
    return found;
  };

  const planned: Planned[] = [];
  for (const [recordIndex, record] of records.entries()) {
    try {
      for (const message of await plan(record, endpointsOf)) planned.push({ recordIndex, message });
    } catch (error) {
      logger.error('event router could not route a record', { error: error as Error, event_id: record.eventID });
      endpointsByScope.clear();
      return lowest(recordIndex, await send(planned.filter((entry) => entry.recordIndex < recordIndex)));
    }
  }
  return send(planned);
}

function lowest(a: number, b: number | undefined): number {
  return b === undefined ? a : Math.min(a, b);
}

async function plan(record: DynamoDBRecord, endpointsOf: (scope: Scope) => Promise<EndpointItem[]>): Promise<DeliveryMessage[]> {
  if (!matchesFilter(record) || !record.dynamodb?.NewImage) return [];
  const image = unmarshall(record.dynamodb.NewImage as Record<string, StreamAttributeValue> as Record<string, AttributeValue>);
  if (image.entity === 'event') {
    const event = image as EventItem;
    const scope: Scope = { organizationId: event.organization_id, mode: event.mode };
    const endpoints = await endpointsOf(scope);
    return endpoints
      .filter((endpoint) => endpoint.status === 'enabled' && listensTo(endpoint, event.event))
      .map((endpoint) => ({ organization_id: scope.organizationId, mode: scope.mode, event: event.id, endpoint: endpoint.id, resend: 0 }));
  }
  if (image.entity === 'webhook_delivery') {
    const delivery = image as DeliveryItem;
    const old = record.dynamodb.OldImage
      ? unmarshall(record.dynamodb.OldImage as Record<string, StreamAttributeValue> as Record<string, AttributeValue>)
      : undefined;
    // Only the change that started a new series; any other change of the item is no request.
    if (old && old.resends === delivery.resends) return [];
    return [
      {
        organization_id: delivery.organization_id,
        mode: delivery.mode,
        event: delivery.event_id,
        endpoint: delivery.endpoint_id,
        resend: delivery.resends,
      },
    ];
  }
  return [];
}

/** Sends in batches of ten; returns the lowest record index with a message not sent. */
async function send(planned: Planned[]): Promise<number | undefined> {
  if (planned.length === 0) return undefined;
  const delay = Math.min(retrySchedule()[0] ?? 0, MAX_FIRST_DELAY_SECONDS);
  const chunks: Planned[][] = [];
  for (let i = 0; i < planned.length; i += 10) chunks.push(planned.slice(i, i + 10));
  const failedIndexes = await Promise.all(
    chunks.map(async (chunk) => {
      const entries: SendMessageBatchRequestEntry[] = chunk.map((entry, i) => ({
        Id: String(i),
        MessageBody: JSON.stringify(entry.message),
        DelaySeconds: delay,
      }));
      try {
        const result = await sqs().send(new SendMessageBatchCommand({ QueueUrl: webhookQueueUrl(), Entries: entries }));
        const failed = (result.Failed ?? []).map((failure) => chunk[Number(failure.Id)]!.recordIndex);
        if (failed.length) logger.error('event router: messages not sent', { failed: result.Failed });
        for (const entry of chunk) {
          if (!failed.includes(entry.recordIndex)) {
            logger.info('delivery enqueued', { ...entry.message });
          }
        }
        return failed;
      } catch (error) {
        logger.error('event router: SendMessageBatch failed', { error: error as Error });
        return chunk.map((entry) => entry.recordIndex);
      }
    }),
  );
  const failed = failedIndexes.flat();
  return failed.length ? Math.min(...failed) : undefined;
}
