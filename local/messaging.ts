import { startFauxqs } from 'fauxqs';
import { WEBHOOK_MAX_RECEIVE_COUNT } from '#shared/api/webhooks/settings';

export const LOCAL_QUEUES = { webhooks: 'osma-webhooks', webhooksDeadLetter: 'osma-webhooks-dlq' } as const;
export const LOCAL_BUCKET = 'osma-files-local';

/**
 * fauxqs stands in for SQS and S3 on one loopback port: the webhook queue with its
 * dead-letter queue (after 16 receives, as in the stack) and the private files bucket.
 * It keeps its state in memory, so both are made anew at every start.
 *
 * The queue's visibility timeout is how long a message stays hidden after a receive when
 * the sender neither deletes nor reschedules it (a crash): 30 s by default, less in tests
 * (OSMA_WEBHOOK_QUEUE_VISIBILITY_TIMEOUT).
 */
export async function startMessaging(options: { port: number; region: string; visibilityTimeoutSeconds?: number }) {
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
  return {
    endpoint: `http://127.0.0.1:${server.port}`,
    webhookQueueUrl: queue.queueUrl,
    webhookDeadLetterQueueUrl: deadLetter.queueUrl,
    bucket: LOCAL_BUCKET,
    stop: () => server.stop(),
  };
}
