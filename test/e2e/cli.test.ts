import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constructEvent } from '../../sdk/src/webhooks.ts';
import { newOrganization, stack } from '#test/support/api';
import { eventually, sleep, startReceiver, type Receiver } from '#test/support/receiver';

/** The osma CLI as a developer runs it, against the local stack, with an organization of its own. */
const stripe = new Stripe('sk_test_unused');
const MAIN = 'sdk/src/cli/main.ts';

let org: Awaited<ReturnType<typeof newOrganization>>;
let receiver: Receiver;
const running: ChildProcessWithoutNullStreams[] = [];

const env = (key: string) => ({ ...process.env, OSMA_API_KEY: key, OSMA_API_BASE: stack.url });

function run(args: string[], key = org.testKey): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { env: env(key) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `osma listen` and resolves with its printed secret once it is ready. */
async function startListen(path: string, extra: string[] = [], apiBase = stack.url) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'listen', '--forward-to', `${receiver.url}${path}`, ...extra], {
    env: { ...env(org.testKey), OSMA_API_BASE: apiBase },
  });
  running.push(child);
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stdout += chunk));
  const secret = await eventually(async () => /signing secret is (whsec_\S+)/.exec(stdout)?.[1], 20_000, 'the listen secret');
  return { child, secret, output: () => stdout };
}

function stop(child: ChildProcessWithoutNullStreams): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('close', () => resolve());
    child.kill('SIGINT');
    setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
  });
}

function verifiedBoth(entry: { body: string; headers: Record<string, unknown> }, secret: string) {
  const header = entry.headers['osma-signature'] as string;
  const ours = constructEvent(entry.body, header, secret);
  expect(stripe.webhooks.constructEvent(entry.body, header, secret)).toEqual(ours);
  expect(() => constructEvent(entry.body, header, 'whsec_wrong')).toThrow(/No signatures found matching/);
  return ours;
}

beforeAll(async () => {
  org = await newOrganization();
  receiver = await startReceiver();
});

afterAll(async () => {
  await Promise.all(running.map(stop));
  await receiver.close();
});

describe('osma listen and osma trigger', { timeout: 90_000 }, () => {
  it('forwards each triggered event once, signed so that both our helper and Stripe\'s verify it', async () => {
    // Prepare
    const { child, secret, output } = await startListen('/all');
    await sleep(1500);

    // Act
    const completed = await run(['trigger', 'tasks.completed']);
    const created = await run(['trigger', 'tasks.created']);

    // Assess: completed fires created + completed, created fires one more created
    expect(completed.code, completed.stderr).toBe(0);
    expect(created.code, created.stderr).toBe(0);
    expect(completed.stdout).toMatch(/Created task task_\w+/);
    expect(completed.stdout).toContain('Trigger succeeded: tasks.completed');
    const got = await receiver.waitFor('/all', 3, 30_000).catch((error) => {
      throw new Error(`${error.message}\n${output()}`);
    });
    await sleep(2500); // several more polls re-read the overlap window: nothing comes twice
    expect(receiver.at('/all')).toHaveLength(3);
    const events = got.map((entry) => verifiedBoth(entry, secret));
    expect(new Set(events.map((event) => event.id)).size).toBe(3);
    expect(events.map((event) => event.event).sort()).toEqual(['tasks.completed', 'tasks.created', 'tasks.created']);
    const taskId = /Created task (task_\w+)/.exec(completed.stdout)![1];
    expect(events.filter((event) => event.data.id === taskId).map((event) => event.event)).toEqual(['tasks.created', 'tasks.completed']);
    expect(output()).toMatch(/<-- \[200\] POST/);
    await stop(child);
  });

  it('forwards only the asked event types', async () => {
    const { child, secret } = await startListen('/completed-only', ['--events', 'tasks.completed']);
    await sleep(1500);
    expect((await run(['trigger', 'tasks.completed'])).code).toBe(0);
    const [entry] = await receiver.waitFor('/completed-only', 1, 20_000);
    await sleep(2500);
    expect(receiver.at('/completed-only')).toHaveLength(1);
    expect(verifiedBoth(entry!, secret).event).toBe('tasks.completed');
    await stop(child);
  });

  it('catches up on events made while it was stopped, when started with a look-back', async () => {
    // Prepare: events made while no listener runs
    const own = await newOrganization();
    org = { ...org, testKey: own.testKey };
    expect((await run(['trigger', 'tasks.deleted'])).code).toBe(0);

    // Act
    const { child, secret } = await startListen('/catch-up', ['--since', '5m']);

    // Assess
    const got = await receiver.waitFor('/catch-up', 2, 20_000);
    await sleep(2500);
    expect(receiver.at('/catch-up')).toHaveLength(2);
    expect(got.map((entry) => verifiedBoth(entry, secret).event)).toEqual(['tasks.created', 'tasks.deleted']);
    await stop(child);
  });

  it('catches up after losing the API for a while', async () => {
    // Prepare: a listener reading the API through a proxy that can fail every request
    let down = false;
    const proxy = createServer(async (req, res) => {
      if (down) return res.writeHead(502).end('{"type":"api_error","message":"down"}');
      const answer = await fetch(`${stack.url}${req.url}`, { headers: { 'osma-api-key': String(req.headers['osma-api-key']) } });
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const { child, secret, output } = await startListen('/outage', [], `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`);
    await sleep(1500);

    // Act: events happen while the API cannot be read, then it comes back
    down = true;
    expect((await run(['trigger', 'tasks.updated'])).code).toBe(0);
    await sleep(2500);
    expect(receiver.at('/outage')).toHaveLength(0);
    down = false;

    // Assess
    const got = await receiver.waitFor('/outage', 2, 20_000);
    await sleep(2500);
    expect(receiver.at('/outage')).toHaveLength(2);
    expect(got.map((entry) => verifiedBoth(entry, secret).event)).toEqual(['tasks.created', 'tasks.updated']);
    expect(output()).toMatch(/Cannot read events .*\n(.|\n)*Connection to the API is back/);
    await stop(child);
    proxy.closeAllConnections();
    proxy.close();
  });

  it('a listener started without a look-back forwards nothing older than itself', async () => {
    const { child } = await startListen('/fresh-only');
    await sleep(3000);
    expect(receiver.at('/fresh-only')).toHaveLength(0);
    await stop(child);
  });
});

describe('test mode only', () => {
  it('refuses a live key without --live, with exit code 2 and a clear message', async () => {
    const refused = await run(['get', '/members'], org.liveKey);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--live');
    const listen = await run(['listen', '--forward-to', `${receiver.url}/never`], org.liveKey);
    expect(listen.code).toBe(2);
    const allowed = await run(['--live', 'get', '/members'], org.liveKey);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(JSON.parse(allowed.stdout).data).toEqual([]);
  });
});

describe('raw calls', () => {
  it('post and get print the JSON answer and the request-id', async () => {
    const created = await run(['post', '/members', '-d', 'name=Cli Member', '-d', 'email=cli@example.com', '-d', 'metadata:={"source":"cli"}']);
    expect(created.code, created.stderr).toBe(0);
    const member = JSON.parse(created.stdout);
    expect(member).toMatchObject({ name: 'Cli Member', email: 'cli@example.com', metadata: { source: 'cli' } });
    expect(created.stderr).toMatch(/HTTP 201 {2}request-id: \S+/);

    const read = await run(['get', `/members/${member.id}`]);
    expect(read.code).toBe(0);
    expect(JSON.parse(read.stdout)).toEqual(member);
    expect(read.stderr).toMatch(/HTTP 200 {2}request-id: \S+/);

    const deleted = await run(['delete', `/members/${member.id}`]);
    expect(deleted.code).toBe(0);
    expect(JSON.parse(deleted.stdout).status).toBe('deleted');
  });

  it('prints the error body and exits 1 on a 4xx', async () => {
    const missing = await run(['get', '/members/mem_000000000000000000000000000']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout).type).toBe('invalid_request_error');
    expect(missing.stderr).toMatch(/HTTP 404 {2}request-id: \S+/);
  });
});
