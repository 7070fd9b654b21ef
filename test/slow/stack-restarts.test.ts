import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startReceiver, type Receiver } from '#test/support/receiver';
import { startStackProcess, type StackProcess } from '#test/support/stack-process';

/**
 * `npm start` stopped (Ctrl-C) or killed (SIGKILL to its whole process group) in the middle of
 * a burst of writes, then started again on the same data dir: every write it answered with a
 * 2xx is there, and every event of those writes reaches its webhook endpoint, including the
 * events not yet routed and the deliveries that were waiting for a retry at the stop.
 */
const RETRIES = '0,1,1,1';

const dirs: string[] = [];
const stacks: StackProcess[] = [];
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
});
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((stack) => stack.kill()));
});
afterAll(async () => {
  await receiver?.close();
  dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

async function start(dataDir: string, name: string, env: Record<string, string> = {}): Promise<StackProcess> {
  const stack = await startStackProcess({
    dataDir,
    logFile: join(dataDir, `${name}.log`),
    env: { OSMA_WEBHOOK_RETRY_SCHEDULE: RETRIES, ...env },
    // Ctrl-C and kill -9 reach the whole job, as in a terminal.
    ownProcessGroup: true,
  });
  stacks.push(stack);
  return stack;
}

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'osma-restart-'));
  dirs.push(dir);
  return dir;
}

async function api(stack: StackProcess, method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: { 'osma-api-key': stack.testKey },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function prepare(stack: StackProcess, path: string) {
  expect((await api(stack, 'POST', '/task_templates', { reference: 'burst', name: 'Burst' })).status).toBe(201);
  const endpoint = await api(stack, 'POST', '/webhook_endpoints', { url: `${receiver.url}${path}`, events: ['tasks.created'] });
  expect(endpoint.status).toBe(201);
}

/**
 * Four clients create tasks without pause; right when the `stopAfter`-th create is answered,
 * the stack is stopped. Each client goes on until its connection is refused. A 429 (the test
 * mode's 20 requests per second) is no failure; a 5xx is.
 */
async function burstAndStop(stack: StackProcess, stopAfter: number, stopIt: () => Promise<unknown>) {
  const acknowledged: string[] = [];
  const serverErrors: number[] = [];
  let stopped: Promise<unknown> | undefined;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let i = 0; i < 200; i += 1) {
        try {
          const response = await api(stack, 'POST', '/tasks', { template: 'burst' });
          if (response.status === 201) acknowledged.push(response.body.id);
          else if (response.status >= 500) serverErrors.push(response.status);
        } catch {
          return; // refused or cut: the stack is down
        }
        if (acknowledged.length >= stopAfter) stopped ??= stopIt();
      }
    }),
  );
  await stopped;
  return { acknowledged, serverErrors };
}

function errorLines(logFile: string): Record<string, unknown>[] {
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.level === 'ERROR');
}

/** After the restart: every acknowledged task is there and its event reached the receiver. */
async function expectAllThere(stack: StackProcess, path: string, acknowledged: string[]) {
  const read = await Promise.all(acknowledged.map((id) => api(stack, 'GET', `/tasks/${id}`)));
  expect(read.filter((response) => response.status !== 200).map((response) => response.body)).toEqual([]);
  const delivered = await eventually(
    async () => {
      const seen = new Set(receiver.at(path).map((post) => post.json.data.id as string));
      return acknowledged.every((id) => seen.has(id)) ? seen : undefined;
    },
    30_000,
    'every acknowledged task to be delivered',
  ).catch(() => new Set(receiver.at(path).map((post) => post.json.data.id as string)));
  expect(acknowledged.filter((id) => !delivered.has(id))).toEqual([]);
}

describe('the local stack stopped in the middle of a burst', () => {
  it('on Ctrl-C answers every request in flight, and after a restart has every write and delivers every event', async () => {
    // Prepare
    const dataDir = freshDir();
    const path = '/ctrl-c';
    const first = await start(dataDir, 'first');
    await prepare(first, path);

    // Act
    const burst = await burstAndStop(first, 12, () => first.stop());
    const exitCode = await first.stop();
    const second = await start(dataDir, 'second');

    // Assess: nothing in flight got a 5xx, the stop logged no error, and everything made it
    expect(exitCode).toBe(0);
    expect(burst.serverErrors).toEqual([]);
    expect(errorLines(join(dataDir, 'first.log'))).toEqual([]);
    expect(burst.acknowledged.length).toBeGreaterThanOrEqual(12);
    await expectAllThere(second, path, burst.acknowledged);
  }, 60_000);

  it('killed with SIGKILL, after a restart has every acknowledged write and delivers every event', async () => {
    // Prepare
    const dataDir = freshDir();
    const path = '/sigkill';
    const first = await start(dataDir, 'first');
    await prepare(first, path);

    // Act
    const burst = await burstAndStop(first, 12, () => first.kill());
    const second = await start(dataDir, 'second');

    // Assess
    expect(burst.serverErrors).toEqual([]);
    expect(burst.acknowledged.length).toBeGreaterThanOrEqual(12);
    await expectAllThere(second, path, burst.acknowledged);
  }, 60_000);

  it('retries after a restart a delivery that was waiting for its next try at the stop', async () => {
    // Prepare: the receiver refuses the first try; the second is due 8 s later
    const dataDir = freshDir();
    const path = '/retry';
    receiver.answer(path, (_, seen) => ({ status: seen === 1 ? 500 : 200 }));
    const first = await start(dataDir, 'first', { OSMA_WEBHOOK_RETRY_SCHEDULE: '0,8' });
    await prepare(first, path);
    const task = await api(first, 'POST', '/tasks', { template: 'burst' });
    const [refused] = await receiver.waitFor(path, 1);
    const eventId = refused!.json.id;
    await eventually(async () => {
      const deliveries = (await api(first, 'GET', `/events/${eventId}/deliveries`)).body.data as { status: string; attempts: unknown[] }[];
      return deliveries[0]?.attempts.length === 1 ? deliveries : undefined;
    });

    // Act
    await first.stop();
    const second = await start(dataDir, 'second', { OSMA_WEBHOOK_RETRY_SCHEDULE: '0,8' });

    // Assess
    const posts = await receiver.waitFor(path, 2, 20_000);
    const delivery = await eventually(async () => {
      const [found] = (await api(second, 'GET', `/events/${eventId}/deliveries`)).body.data as { status: string; attempts: { status_code: number }[] }[];
      return found?.status === 'succeeded' ? found : undefined;
    });
    expect(task.status).toBe(201);
    expect(posts.map((post) => post.json.id)).toEqual([eventId, eventId]);
    expect(delivery.attempts.map((attempt) => attempt.status_code)).toEqual([500, 200]);
  }, 60_000);
});

describe('the local stack keeps the terminal for people', () => {
  it('writes the JSON log lines to a file under the data dir, and only the banner to the terminal', async () => {
    // Prepare: no OSMA_LOG_FILE, as a developer runs it
    const dataDir = freshDir();
    const stack = await start(dataDir, 'terminal', { OSMA_LOG_FILE: '' });

    // Act
    const members = await api(stack, 'GET', '/members');
    await stack.stop();

    // Assess
    expect(members.status).toBe(200);
    const terminal = stack.output();
    expect(terminal).toContain(`logs          ${dataDir}/stack.log`);
    expect(terminal.split('\n').filter((line) => line.startsWith('{'))).toEqual([]);
    const logged = readFileSync(join(dataDir, 'stack.log'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { message: string; path?: string; status?: number });
    expect(logged).toContainEqual(expect.objectContaining({ message: 'request', status: 200 }));
  }, 60_000);
});
