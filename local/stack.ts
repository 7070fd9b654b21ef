import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureTable, startDynamoDbLocal } from '#local/dynamodb';
import { ensureDashboardBuilt, startDashboard } from '#local/dashboard';
import { startGateway } from '#local/gateway';
import { LOCAL_MAIL_FOLDER } from '#local/mail-outbox';
import { startMessaging } from '#local/messaging';
import { startS3Gate } from '#local/s3-gate';
import { writeStackInfo } from '#local/stack-info';
import { startQueuePoller } from '#local/queue-poller';
import { startRequestLogFeed } from '#local/request-log-feed';
import { prepareRootSecret } from '#local/root-secret';
import { startStreamPoller } from '#local/stream-poller';
import { checkSeedKeys, seedLocal, type LocalSeed } from '#local/seed';
import { ROUTER_RETRY_ATTEMPTS, retrySchedule } from '#shared/api/webhooks/settings';
import { ROUTER_FILTERS } from '#shared/api/webhooks/stream-filter';
import { LOCAL_STAGE, markLocalStack } from '#shared/platform/config';
import { sqs } from '#shared/platform/queue';

export interface LocalStackOptions {
  port: number;
  /**
   * Where DynamoDB Local keeps its files, with the stream poller's position and the webhook
   * queue's journal, so that a restart loses no write, no event and no delivery; undefined
   * keeps everything in memory.
   */
  dataDir?: string;
  testKey?: string;
  liveKey?: string;
  /** The seeded owner's email and password (OSMA_OWNER_EMAIL, OSMA_OWNER_PASSWORD). */
  ownerEmail?: string;
  ownerPassword?: string;
  /** Seconds a received webhook message stays hidden when the sender crashes. @default 30 */
  webhookVisibilityTimeout?: number;
  /**
   * Run the webhook pipeline's pollers from the start. The benchmark turns this off so that
   * the router's reads do not land in the figures of the calls it measures, and starts the
   * pipeline only for its webhook section. @default true
   */
  webhookPipeline?: boolean;
  /**
   * Serve the dashboard on this port (`npm start`: OSMA_DASHBOARD_PORT, 3001; 0 picks a free
   * one), built first when `web/dist` is missing or stale; undefined serves no dashboard.
   */
  dashboardPort?: number;
  /**
   * Feed the handlers' request lines to the request log indexer, as the CloudWatch Logs
   * subscriptions do in AWS (local/request-log-feed.ts). The benchmark turns it off: in AWS the
   * indexer runs beside the request path, not in the process that answers. @default true
   */
  requestLogs?: boolean;
}

export interface LocalStack extends LocalSeed {
  url: string;
  dynamoDbEndpoint: string;
  tableName: string;
  webhookQueueUrl: string;
  webhookDeadLetterQueueUrl: string;
  /** The dashboard's URL, and whether this start built it, when it serves one. */
  dashboard?: { url: string; built: boolean };
  /** Starts the pollers when the stack was started without them; a no-op when they run. */
  startWebhookPipeline: () => Promise<void>;
  stop: () => Promise<void>;
}

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const TABLE_NAME = 'osma-local';

/**
 * Everything `npm start` runs, on loopback: DynamoDB Local, fauxqs for SQS and S3, the
 * gateway that calls the handlers, and the two pollers that play Lambda's event sources for
 * the webhook pipeline (the table's stream -> the event router, the webhook queue -> the
 * sender). The handlers run in this process and reach the stand-ins through the AWS SDK's
 * own endpoint settings, exactly as they reach AWS when deployed.
 *
 * A stop goes in the reverse order of the start: the gateway first (it lets the requests in
 * flight finish and takes no new ones), then the pollers, then fauxqs, and DynamoDB Local
 * last, so nothing in flight loses its store.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  // Lambda runs Node 22; this machine's Node 20 is fine for the stand-ins, so the SDK's
  // notice about Node 20's end of support would only be noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // The handlers run in this process: the local-only settings below apply to them, and only here.
  markLocalStack();
  checkSeedKeys(options);
  const visibility = options.webhookVisibilityTimeout;
  if (visibility !== undefined && !(Number.isInteger(visibility) && visibility >= 1 && visibility <= 43200)) {
    throw new Error('OSMA_WEBHOOK_QUEUE_VISIBILITY_TIMEOUT must be whole seconds from 1 to 43200');
  }
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const stopOne of stops.reverse()) await stopOne().catch(() => undefined);
  };
  // The mail outbox: kept with the data, or in a temporary folder that the stop removes.
  const mailDir = dataDir ? join(dataDir, LOCAL_MAIL_FOLDER) : mkdtempSync(join(tmpdir(), 'osma-mail-'));
  if (!dataDir) stops.push(async () => rmSync(mailDir, { recursive: true, force: true }));
  try {
    const rootSecret = await prepareRootSecret(dataDir);
    stops.push(rootSecret.remove);
    const dynamo = await startDynamoDbLocal({ port: await freePort(), path: dataDir });
    stops.push(dynamo.stop);
    const messaging = await startMessaging({
      port: await freePort(),
      region: REGION,
      visibilityTimeoutSeconds: options.webhookVisibilityTimeout,
      journalFile: dataDir && join(dataDir, 'webhook-queue.jsonl'),
    });
    stops.push(messaging.stop);
    // S3 goes through a gate that checks presigned URLs as S3 does (fauxqs checks none).
    const s3Gate = await startS3Gate({ upstream: messaging.endpoint, credentials: CREDENTIALS });
    stops.push(s3Gate.stop);

    Object.assign(process.env, {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SQS: messaging.endpoint,
      AWS_ENDPOINT_URL_S3: s3Gate.endpoint,
      OSMA_STAGE: LOCAL_STAGE,
      // The gateway runs handlers side by side, each in its own invocation context (as Lambda
      // does on an instance that takes concurrent invocations); this tells Powertools to keep
      // each invocation's log keys apart.
      AWS_LAMBDA_MAX_CONCURRENCY: '64',
      OSMA_TABLE_NAME: TABLE_NAME,
      OSMA_WEBHOOK_QUEUE_URL: messaging.webhookQueueUrl,
      OSMA_FILES_BUCKET: messaging.bucket,
      // Local only (honoured only in this process, see markLocalStack): webhooks to this machine.
      OSMA_WEBHOOK_ALLOW_LOOPBACK: 'true',
      // Local only (honoured only in this process): mail is kept here, listed by GET /_local/mail.
      OSMA_LOCAL_MAIL_DIR: mailDir,
      // Local only, like the one above: the root secret that Secrets Manager keeps in AWS.
      OSMA_SECRET_FILE: rootSecret.file,
    });
    retrySchedule(); // a wrong OSMA_WEBHOOK_RETRY_SCHEDULE stops the start here, not at the first delivery
    // The router sends through this client (made now, from the endpoint just set).
    messaging.journalSendsOf(sqs());
    const created = await ensureTable(dynamo.endpoint, TABLE_NAME);
    const seed = await seedLocal({
      dataDir,
      testKey: options.testKey,
      liveKey: options.liveKey,
      ownerEmail: options.ownerEmail,
      ownerPassword: options.ownerPassword,
    });
    let pipelineRunning = false;
    const startWebhookPipeline = async () => {
      if (pipelineRunning) return;
      pipelineRunning = true;
      const router = await import('#functions/api/webhooks/router');
      const streamPoller = await startStreamPoller({
        endpoint: dynamo.endpoint,
        region: REGION,
        tableName: TABLE_NAME,
        // A pipeline started later reads only what comes after it, like a new event source.
        fromStart: created && options.webhookPipeline !== false,
        checkpointFile: dataDir && join(dataDir, 'stream-position.json'),
        filters: ROUTER_FILTERS,
        handler: router.handler,
        maxRetries: ROUTER_RETRY_ATTEMPTS,
      });
      stops.push(streamPoller.stop);
      const { senderWithFault } = await import('#local/sender-fault');
      const queuePoller = await startQueuePoller({
        endpoint: messaging.endpoint,
        region: REGION,
        queueUrl: messaging.webhookQueueUrl,
        handler: senderWithFault(process.env.OSMA_WEBHOOK_SENDER_FAULT),
        onDeleted: messaging.journalDeleted,
      });
      stops.push(queuePoller.stop);
    };
    if (options.webhookPipeline !== false) await startWebhookPipeline();
    // Before the gateway, so it sees every request line; stopped after it, so it indexes the last ones.
    if (options.requestLogs !== false) stops.push(startRequestLogFeed().stop);
    const gateway = await startGateway({ port: options.port });
    stops.push(gateway.stop);
    let dashboard: LocalStack['dashboard'];
    if (options.dashboardPort !== undefined) {
      const { built } = await ensureDashboardBuilt();
      const server = await startDashboard({ port: options.dashboardPort, gateway: gateway.listener, apiUrl: gateway.url });
      // Stops run in reverse: the dashboard stops before the gateway it passes `/v1/` to.
      stops.push(server.stop);
      dashboard = { url: server.url, built };
    }
    // Links in mail lead to the dashboard: its own origin when it is served, else the gateway's.
    process.env.OSMA_DASHBOARD_URL ||= dashboard?.url ?? gateway.url;
    // Tools on this machine (npm run admin -- --local) find the stack through its data dir.
    if (dataDir) {
      const info = { pid: process.pid, url: gateway.url, dashboardUrl: process.env.OSMA_DASHBOARD_URL, region: REGION, tableName: TABLE_NAME };
      stops.push(writeStackInfo(dataDir, { ...info, dynamoDbEndpoint: dynamo.endpoint, mailDir }));
    }
    return {
      ...seed,
      url: gateway.url,
      dashboard,
      dynamoDbEndpoint: dynamo.endpoint,
      tableName: TABLE_NAME,
      webhookQueueUrl: messaging.webhookQueueUrl,
      webhookDeadLetterQueueUrl: messaging.webhookDeadLetterQueueUrl,
      startWebhookPipeline,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
