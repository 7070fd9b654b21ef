import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '#shared/platform/logger';
import { sqs } from '#shared/platform/queue';
import { deliver, type DeliveryHooks } from '#shared/api/webhooks/deliver';
import type { DeliveryMessage } from '#shared/api/webhooks/fan-out';
import { webhookQueueUrl } from '#shared/api/webhooks/settings';

/**
 * The webhook sender: each message of the batch is one attempt, all in parallel, and each
 * answers for itself (SQS partial batch response), so one slow or failing receiver holds
 * back no other. A delivery to retry stays in the queue, invisible until its next attempt
 * is due (ChangeMessageVisibility), and is reported as a batch item failure; an unexpected
 * error leaves the message to come back after the queue's visibility timeout, and the
 * dead-letter queue takes whatever keeps failing.
 */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => sendBatch(event);

/**
 * One batch; `hooks` lets the local stack observe a delivery between its POST and its record
 * (its fault injection, in local/), and is empty in the deployed handler.
 */
export async function sendBatch(event: SQSEvent, hooks: DeliveryHooks = {}): Promise<SQSBatchResponse> {
  const failures = await Promise.all(event.Records.map((record) => handleRecord(record, hooks)));
  return { batchItemFailures: failures.filter((failure) => failure !== undefined) };
}

async function handleRecord(record: SQSRecord, hooks: DeliveryHooks): Promise<SQSBatchItemFailure | undefined> {
  const failure = { itemIdentifier: record.messageId };
  let message: DeliveryMessage;
  try {
    message = JSON.parse(record.body) as DeliveryMessage;
  } catch {
    logger.error('webhook message is not JSON; it is left to the dead-letter queue', { message_id: record.messageId });
    return failure;
  }
  try {
    const outcome = await deliver(message, hooks);
    if (outcome.kind === 'done') return undefined;
    await sqs()
      .send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: webhookQueueUrl(),
          ReceiptHandle: record.receiptHandle,
          VisibilityTimeout: outcome.delaySeconds,
        }),
      )
      .catch((error: unknown) =>
        // The message comes back after the queue's visibility timeout instead, and sleeps again.
        logger.warn('could not reschedule a webhook message', { message_id: record.messageId, error: error as Error }),
      );
    return failure;
  } catch (error) {
    logger.error('webhook delivery failed unexpectedly', { message_id: record.messageId, error: error as Error });
    return failure;
  }
}
