import {
  SendMessageBatchCommand,
  SQSClient,
  type SendMessageBatchCommandInput,
  type SendMessageBatchCommandOutput,
} from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { WEBHOOK_MAX_RECEIVE_COUNT } from '#shared/api/webhooks/settings';
import { openQueueJournal, type JournaledMessage, type QueueJournal } from '#local/queue-journal';
import { logger } from '#shared/platform/logger';
import { MAX_FIRST_DELAY_SECONDS } from '#shared/api/webhooks/retry';

export const LOCAL_QUEUES = { webhooks: 'osma-webhooks', webhooksDeadLetter: 'osma-webhooks-dlq' } as const;
export const LOCAL_BUCKET = 'osma-files-local';

/**
 * fauxqs stands in for SQS and S3 on one loopback port: the webhook queue with its
 * dead-letter queue (after 16 receives, as in the stack) and the private files bucket.
 * It keeps its state in memory, so both are made anew at every start. With a journal file the
 * webhook queue's messages outlive a stop all the same (local/queue-journal.ts): the ones the
 * previous run left are sent again here, before any poller runs.
 *
 * The queue's visibility timeout is how long a message stays hidden after a receive when
 * the sender neither deletes nor reschedules it (a crash): 30 s by default, less in tests
 * (OSMA_WEBHOOK_QUEUE_VISIBILITY_TIMEOUT).
 */
export async function startMessaging(options: {
  port: number;
  region: string;
  visibilityTimeoutSeconds?: number;
  /** Where the webhook queue's messages are kept between runs; none keeps them in memory only. */
  journalFile?: string;
}) {
  const server = await startFauxqs({ port: options.port, host: '127.0.0.1', logger: false, defaultRegion: options.region });
  const deadLetter = server.createQueue(LOCAL_QUEUES.webhooksDeadLetter, { region: options.region });
  const queue = server.createQueue(LOCAL_QUEUES.webhooks, {
    region: options.region,
    attributes: {
      VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetter.queueArn, maxReceiveCount: WEBHOOK_MAX_RECEIVE_COUNT }),
    },
  });
  server.createBucket(LOCAL_BUCKET);
  const endpoint = `http://127.0.0.1:${server.port}`;
  let journal: QueueJournal = { sent: () => undefined, deleted: () => undefined };
  if (options.journalFile) {
    const opened = openQueueJournal(options.journalFile);
    journal = opened.journal;
    await sendAgain(opened.left, { endpoint, region: options.region, queueUrl: queue.queueUrl, journal });
  }

  /** Writes every message that `client` sends to the webhook queue into the journal, once SQS took it. */
  const journalSendsOf = (client: SQSClient) => {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'SendMessageBatchCommand') {
          const input = args.input as SendMessageBatchCommandInput;
          if (input.QueueUrl === queue.queueUrl) {
            const entries = new Map(input.Entries?.map((entry) => [entry.Id, entry]));
            const sentAt = Date.now();
            journal.sent(
              ((result.output as SendMessageBatchCommandOutput).Successful ?? []).flatMap((success) => {
                const entry = entries.get(success.Id);
                if (!entry || !success.MessageId) return [];
                return [{ id: success.MessageId, body: entry.MessageBody ?? '', visibleAt: sentAt + (entry.DelaySeconds ?? 0) * 1000 }];
              }),
            );
          }
        }
        return result;
      },
      { step: 'initialize', name: 'localQueueJournal' },
    );
  };

  return {
    endpoint,
    webhookQueueUrl: queue.queueUrl,
    webhookDeadLetterQueueUrl: deadLetter.queueUrl,
    bucket: LOCAL_BUCKET,
    journalSendsOf,
    /** For the queue poller: messages it deleted are done for good. */
    journalDeleted: (ids: string[]) => journal.deleted(ids),
    stop: () => server.stop(),
  };
}

/** Sends the messages of the previous run again, each with what was left of its delay. */
async function sendAgain(
  messages: JournaledMessage[],
  target: { endpoint: string; region: string; queueUrl: string; journal: QueueJournal },
): Promise<void> {
  if (messages.length === 0) return;
  const client = new SQSClient({
    endpoint: target.endpoint,
    region: target.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    useQueueUrlAsEndpoint: false,
  });
  try {
    for (let i = 0; i < messages.length; i += 10) {
      const chunk = messages.slice(i, i + 10);
      const { Successful } = await client.send(
        new SendMessageBatchCommand({
          QueueUrl: target.queueUrl,
          Entries: chunk.map((message, index) => ({
            Id: String(index),
            MessageBody: message.body,
            DelaySeconds: Math.min(Math.max(Math.ceil((message.visibleAt - Date.now()) / 1000), 0), MAX_FIRST_DELAY_SECONDS),
          })),
        }),
      );
      const sent = (Successful ?? []).map((success) => ({ old: chunk[Number(success.Id)]!, id: success.MessageId ?? '' }));
      target.journal.sent(sent.map(({ old, id }) => ({ ...old, id })));
      target.journal.deleted(sent.map(({ old }) => old.id));
    }
  } finally {
    client.destroy();
  }
  logger.info('local webhook queue: messages of the previous run sent again', { count: messages.length });
}
