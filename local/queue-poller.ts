import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '#shared/platform/logger';

/**
 * Plays Lambda's SQS event source for the local stack: a few pollers receive up to ten
 * messages each, call the handler with the SQSEvent a Lambda would get, and delete every
 * message that is not in the answer's batchItemFailures. When the handler throws, nothing is
 * deleted: the whole batch comes back after the visibility timeout, as in Lambda.
 */
export interface QueuePollerOptions {
  endpoint: string;
  region: string;
  queueUrl: string;
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | void>;
  /** Concurrent pollers, like the concurrent invocations Lambda scales to. */
  concurrency?: number;
  waitTimeSeconds?: number;
  /** Told the ids of the messages deleted, once the queue has deleted them. */
  onDeleted?: (messageIds: string[]) => void;
}

/** How long a stop waits for the batches in hand (a receiver may take 15 s to answer). */
const STOP_WAIT_MS = 5_000;

export async function startQueuePoller(options: QueuePollerOptions): Promise<{ stop: () => Promise<void> }> {
  const client = new SQSClient({
    endpoint: options.endpoint,
    region: options.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // fauxqs's queue URLs carry a host that is not a valid URL host; the endpoint is right.
    useQueueUrlAsEndpoint: false,
  });
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: options.queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queueArn = Attributes?.QueueArn ?? '';
  const abort = new AbortController();
  let stopping = false;

  const pollOnce = async () => {
    const { Messages } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: options.waitTimeSeconds ?? 1,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: abort.signal },
    );
    if (!Messages?.length) return;
    const records = Messages.map((message) => lambdaRecord(message, queueArn, options.region));
    let failed: Set<string>;
    try {
      const response = await options.handler({ Records: records });
      failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      logger.error('local queue poller: the handler failed; the batch comes back after its visibility timeout', {
        error: error as Error,
      });
      return;
    }
    const done = records.filter((record) => !failed.has(record.messageId));
    if (done.length === 0) return;
    const { Successful } = await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: done.map((record, i) => ({ Id: String(i), ReceiptHandle: record.receiptHandle })),
      }),
    );
    options.onDeleted?.((Successful ?? []).map((success) => done[Number(success.Id)]!.messageId));
  };

  const loops = Array.from({ length: options.concurrency ?? 3 }, async () => {
    while (!stopping) {
      try {
        await pollOnce();
      } catch (error) {
        if (stopping) break;
        logger.error('local queue poller failed; polling on', { error: error as Error });
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  });

  return {
    stop: async () => {
      stopping = true;
      abort.abort();
      // A batch still in hand after the wait is not lost: its messages were not deleted, and
      // come back after their visibility timeout (or, after a restart, from the journal).
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(loops), new Promise((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS)))]);
      clearTimeout(timer);
      client.destroy();
    },
  };
}

function lambdaRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? '000000000000',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        {
          stringValue: value.StringValue,
          dataType: value.DataType ?? 'String',
          stringListValues: value.StringListValues ?? [],
          binaryListValues: [],
        },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}
