import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where a running local stack can be reached, written into its data dir when it starts and
 * removed when it stops, so that tools on the same machine (`npm run admin -- --local`) find
 * it without being told its ports, which are free ports chosen at each start.
 */
export const STACK_INFO_FILE = 'local-stack.json';

export interface LocalStackInfo {
  /** The local stack's process: a file left by a stack that was killed names a process that is gone. */
  pid: number;
  url: string;
  dashboardUrl: string;
  dynamoDbEndpoint: string;
  region: string;
  tableName: string;
  mailDir: string;
}

/** Writes the file (readable by its owner only) and answers what removes it. */
export function writeStackInfo(dataDir: string, info: LocalStackInfo): () => Promise<void> {
  const file = join(dataDir, STACK_INFO_FILE);
  writeFileSync(file, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  return async () => rmSync(file, { force: true });
}

/** The running stack of this data dir, or an error that says how to start one. */
export function readStackInfo(dataDir: string): LocalStackInfo {
  const file = join(dataDir, STACK_INFO_FILE);
  let info: LocalStackInfo;
  try {
    info = JSON.parse(readFileSync(file, 'utf8')) as LocalStackInfo;
  } catch {
    throw new Error(`No local stack is running on the data dir ${dataDir} (no ${STACK_INFO_FILE}): start one with npm start.`);
  }
  if (!isRunning(info.pid)) {
    throw new Error(`The local stack of the data dir ${dataDir} (process ${info.pid}) is not running any more: start it with npm start.`);
  }
  return info;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: a process of another user holds that id, so it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
