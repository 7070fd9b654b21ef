import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { sendLogsToFile } from '#local/log-file';
import { startLocalStack } from '#local/stack';
import { retrySchedule } from '#shared/api/webhooks/settings';

/** `npm start`: the whole API on this machine. Settings come from the environment (docs/local-stack.md). */
const port = Number(process.env.PORT ?? 3000);
const dataDir = process.env.OSMA_DATA_DIR ?? '.data';
const dashboardPort = Number(process.env.OSMA_DASHBOARD_PORT || 3001);
// OSMA_LOG_FILE=- keeps the JSON log lines in the terminal, as a Lambda writes them.
const logFile = process.env.OSMA_LOG_FILE || `${dataDir}/stack.log`;
const logsToTerminal = logFile === '-';

try {
  if (!logsToTerminal) {
    mkdirSync(dirname(logFile), { recursive: true });
    sendLogsToFile(logFile);
  }
  const stack = await startLocalStack({
    port,
    dataDir,
    testKey: process.env.OSMA_TEST_API_KEY || undefined,
    liveKey: process.env.OSMA_LIVE_API_KEY || undefined,
    ownerEmail: process.env.OSMA_OWNER_EMAIL || undefined,
    ownerPassword: process.env.OSMA_OWNER_PASSWORD || undefined,
    webhookVisibilityTimeout: process.env.OSMA_WEBHOOK_QUEUE_VISIBILITY_TIMEOUT
      ? Number(process.env.OSMA_WEBHOOK_QUEUE_VISIBILITY_TIMEOUT)
      : undefined,
    dashboardPort,
  });
  const dashboard = stack.dashboard!;
  // Listen for Ctrl-C before saying we are up: whoever reads the banner may stop us at once.
  // A second Ctrl-C stops at once; DynamoDB Local still finishes its writes (local/dynamodb.ts).
  let stopping = false;
  const shutdown = async () => {
    if (stopping) {
      process.stdout.write('Stopping now.\n');
      process.exit(130);
    }
    stopping = true;
    process.stdout.write('Stopping the local stack (Ctrl-C again to stop at once)...\n');
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  process.on('SIGHUP', shutdown);
  process.stdout.write(
    [
      '',
      `Osma API listening on ${stack.url}`,
      `  dashboard     ${dashboard.url}  (${dashboard.built ? 'built now from web/' : 'web/dist is up to date'}; sign in as the owner below)`,
      `  organization  ${stack.organization_id}`,
      `  test key      ${stack.test_key}`,
      `  live key      ${stack.live_key}`,
      `  owner         ${stack.owner_email}  password ${stack.owner_password}  (management API: ${stack.url}/v1/)`,
      `  data          ${dataDir} (DynamoDB Local at ${stack.dynamoDbEndpoint})`,
      ...stack.users.map((user) => `  user          ${user.id}  ${user.full_name} (${user.status})`),
      `  webhooks      stream and queue pollers on; retry schedule ${retrySchedule().join(',')} s; http to loopback allowed`,
      `  logs          ${logsToTerminal ? 'here' : `${logFile} (warnings and errors also here)`}`,
      '',
      `Try: curl ${stack.url}/members --header 'osma-api-key: ${stack.test_key}'`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n') + '\n',
  );
} catch (error) {
  process.stderr.write(`Could not start the local stack: ${(error as Error).message}\n`);
  process.exit(1);
}
