import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startReceiver, type Receiver } from '#test/support/receiver';
import { startStackProcess, type StackProcess } from '#test/support/stack-process';

/**
 * At least once, never silently zero. A stack of its own, whose sender crashes once in the
 * middle of a batch (OSMA_WEBHOOK_SENDER_FAULT=crash-mid-batch: right after a POST answered,
 * before the attempt is recorded and before any message of the batch is deleted), with a
 * receiver that answers 500 twice to every event before it takes it.
 */
const EVENTS = 8;
let dir: string;
let stack: StackProcess;
let receiver: Receiver;

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: { 'osma-api-key': stack.testKey },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'osma-faults-'));
  [stack, receiver] = await Promise.all([
    startStackProcess({
      dataDir: dir,
      logFile: join(dir, 'stack.log'),
      env: {
        OSMA_WEBHOOK_RETRY_SCHEDULE: '0,1,1,1,1,1',
        OSMA_WEBHOOK_SENDER_FAULT: 'crash-mid-batch',
        // A crashed batch comes back after two seconds rather than thirty.
        OSMA_WEBHOOK_QUEUE_VISIBILITY_TIMEOUT: '2',
      },
    }),
    startReceiver(),
  ]);
}, 90_000);

afterAll(async () => {
  await receiver?.close();
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('webhook delivery through a sender crash and a failing receiver', () => {
  it('delivers every event, with its own id, verifiably, and shows the attempts', async () => {
    // Prepare
    const path = '/faults';
    receiver.answer(path, (_, seen) => ({ status: seen <= 2 ? 500 : 200 }));
    const endpoint = await api('POST', '/webhook_endpoints', { url: `${receiver.url}${path}`, events: ['tasks.created'] });
    expect(endpoint.status).toBe(201);
    await api('POST', '/task_templates', { reference: 'fault_check', name: 'Fault check' });

    // Act: events written together, so that the sender gets them in one batch
    const tasks = await Promise.all(Array.from({ length: EVENTS }, () => api('POST', '/tasks', { template: 'fault_check' })));
    const taken = await eventually(
      async () => {
        const ok = receiver.at(path).filter((delivery) => receiver.at(path).filter((d) => d.json.id === delivery.json.id).length >= 3);
        const ids = new Set(ok.map((delivery) => delivery.json.id));
        return ids.size === EVENTS ? ids : undefined;
      },
      30_000,
      'every event to be taken',
    );
    const events = (await api('GET', '/events?limit=100')).body.data as { id: string; data: { id: string } }[];
    const deliveries = await eventually(async () => {
      const all = await Promise.all(events.map(async (event) => (await api('GET', `/events/${event.id}/deliveries`)).body.data[0]));
      return all.every((delivery) => delivery?.status === 'succeeded') ? all : undefined;
    });

    // Assess: the crash happened, mid-batch
    const log = readFileSync(stack.logFile, 'utf8');
    expect(log).toContain('injected fault (OSMA_WEBHOOK_SENDER_FAULT): the sender crashed mid-batch');
    // Every event arrived, under the id the API knows it by, for every task written
    expect(tasks.every((task) => task.status === 201)).toBe(true);
    expect(events.map((event) => event.data.id).sort()).toEqual(tasks.map((task) => task.body.id).sort());
    expect([...taken].sort()).toEqual(events.map((event) => event.id).sort());
    // Each was refused twice and then taken (the receiver counts every POST it got)
    for (const event of events) {
      const posts = receiver.at(path).filter((delivery) => delivery.json.id === event.id);
      expect(posts).toHaveLength(3);
      for (const post of posts) {
        expect(post.json.id).toBe(event.id);
        expect(new Stripe('sk_test_unused').webhooks.constructEvent(post.body, String(post.headers['osma-signature']), endpoint.body.secret)).toBeTruthy();
        expect(new Webhook(endpoint.body.secret).verify(post.body, post.headers as Record<string, string>)).toBeTruthy();
      }
    }
    // Every attempt is visible but the one the crash cut short: its POST reached the receiver,
    // its record never happened, and the message came back and tried again.
    for (const delivery of deliveries) expect(delivery.attempts.at(-1).status_code).toBe(200);
    const recorded = deliveries.reduce((sum, delivery) => sum + delivery.attempts.length, 0);
    expect(recorded).toBe(receiver.at(path).length - 1);
  }, 90_000);
});
