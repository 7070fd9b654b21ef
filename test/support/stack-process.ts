import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';

export interface StackProcess {
  child: ChildProcess;
  url: string;
  /** The dashboard's origin (its own port, `/v1/` passed through). */
  dashboardUrl: string;
  testKey: string;
  liveKey: string;
  ownerEmail: string;
  ownerPassword: string;
  organizationId: string;
  dynamoDbEndpoint: string;
  logFile: string;
  /** Everything the process printed so far (what a developer sees in the terminal). */
  output: () => string;
  /** Ctrl-C, as a developer stops it; resolves with the exit code. */
  stop: () => Promise<number | null>;
  /** SIGKILL, as a crash or `kill -9` would; resolves once it exited. */
  kill: () => Promise<void>;
}

/**
 * Runs `local/start.ts` (what `npm start` runs) in a child process and reads what it prints.
 * Its JSON log lines go to `logFile` (OSMA_LOG_FILE), and what it prints to the terminal is
 * appended there too.
 *
 * With `ownProcessGroup` it runs in a process group of its own, as a job a shell started, and
 * `stop` and `kill` signal that whole group, as Ctrl-C in its terminal or `kill -9 -- -<group>`
 * do. (Without it, the child shares the test runner's group, so that a Ctrl-C of the test run
 * stops it too.)
 */
export async function startStackProcess(options: {
  dataDir: string;
  logFile: string;
  env?: Record<string, string>;
  ownProcessGroup?: boolean;
}): Promise<StackProcess> {
  writeFileSync(options.logFile, '');
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      OSMA_DASHBOARD_PORT: '0',
      OSMA_DATA_DIR: options.dataDir,
      OSMA_LOG_FILE: options.logFile,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.ownProcessGroup ?? false,
  });
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    appendFileSync(options.logFile, chunk);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  let timer: NodeJS.Timeout | undefined;
  const started = await Promise.race([
    new Promise<boolean>((resolve) => {
      const check = () => {
        if (/Osma API listening on .*\n[\s\S]*data .*\n/.test(output)) {
          child.stdout!.off('data', check);
          resolve(true);
        }
      };
      child.stdout!.on('data', check);
    }),
    exited.then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 60_000))),
  ]);
  clearTimeout(timer);
  const signal = (name: NodeJS.Signals) => {
    try {
      if (child.exitCode === null && child.signalCode === null) process.kill(options.ownProcessGroup ? -child.pid! : child.pid!, name);
    } catch {
      // already gone
    }
  };
  if (!started) {
    signal('SIGKILL');
    throw Object.assign(new Error(`The local stack did not start:\n${output}`), { output });
  }
  const field = (pattern: RegExp) => pattern.exec(output)?.[1] ?? '';
  return {
    child,
    url: field(/listening on (http:\/\/\S+)/).replace('localhost', '127.0.0.1'),
    dashboardUrl: field(/dashboard\s+(http:\/\/\S+)/),
    testKey: field(/test key\s+(\S+)/),
    liveKey: field(/live key\s+(\S+)/),
    ownerEmail: field(/owner\s+(\S+)\s+password/),
    ownerPassword: field(/owner\s+\S+\s+password\s+(\S+)/),
    organizationId: field(/organization\s+(\S+)/),
    dynamoDbEndpoint: field(/DynamoDB Local at (http:\/\/[^)\s]+)/),
    logFile: options.logFile,
    output: () => output,
    stop: async () => {
      signal('SIGINT');
      return exited;
    },
    kill: async () => {
      signal('SIGKILL');
      await exited;
    },
  };
}
