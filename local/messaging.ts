import { startFauxqs } from 'fauxqs';

export const LOCAL_QUEUES = { webhooks: 'osma-webhooks', webhooksDeadLetter: 'osma-webhooks-dlq' } as const;
export const LOCAL_BUCKET = 'osma-files-local';

/**
 * fauxqs stands in for SQS and S3 on one loopback port: the webhook queue with its
 * dead-letter queue (after 8 receives, as in the stack) and the private files bucket.
 * It keeps its state in memory, so both are made anew at every start.
 */
export async function startMessaging(options: { port: number; region: string }) {
  const server = await startFauxqs({ port: options.port, host: '127.0.0.1', logger: false, defaultRegion: options.region });
  const deadLetter = server.createQueue(LOCAL_QUEUES.webhooksDeadLetter, { region: options.region });
  const queue = server.createQueue(LOCAL_QUEUES.webhooks, {
    region: options.region,
    attributes: {
      VisibilityTimeout: '60',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetter.queueArn, maxReceiveCount: 8 }),
    },
  });
  server.createBucket(LOCAL_BUCKET);
  return {
    endpoint: `http://127.0.0.1:${server.port}`,
    webhookQueueUrl: queue.queueUrl,
    bucket: LOCAL_BUCKET,
    stop: () => server.stop(),
  };
}
