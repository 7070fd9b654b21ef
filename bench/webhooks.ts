import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { taskBody, taskFixture } from '#bench/scenarios';
import { benchOrganization, benchStack, log } from '#bench/support/environment';
import type { Row } from '#bench/support/report';
import type { Section } from '#bench/support/section';
import { mapLimit, median, now, percentile, ratio, round } from '#bench/support/stats';
import type { Scope } from '#shared/platform/table';
import { createTask } from '#shared/api/tasks/task';
import { createEndpoint } from '#shared/api/webhooks/endpoint';
import { createWebhookEndpointBody } from '#shared/api/webhooks/schemas';
import { osmaSignature, verifyOsmaSignature } from '#shared/api/webhooks/signing';

/**
 * The webhook pipeline, from the write of a task (its transaction, with the outbox event,
 * committed) to the receiver's 2xx: p50 and p99 over a few hundred events created at a steady
 * pace, and sustained events per second through one sender for a burst; then the same with
 * the receiver failing a share of first attempts (500), so that retries and their backoff show.
 *
 * The pipeline runs as the local stack runs it: the stream poller feeds the router, the queue
 * poller feeds one sender. The receiver checks every delivery's `osma-signature` with the
 * project's own verifier and counts what does not verify.
 *
 * Baseline: the same signed POST sent straight from this process to the same receiver, one
 * at a time: the floor of the last hop (latency) and what one sequential sender with no
 * pipeline would sustain (events per second).
 */
const PIPELINE = 'outbox item → DynamoDB Local stream poller → router → SQS (fauxqs) → queue poller → 1 sender';

/** A webhook receiver on loopback that can fail a share of first attempts. */
class Receiver {
  server!: Server;
  url = '';
  secret = '';
  failShare = 0;
  readonly attempts = new Map<string, number>();
  readonly delivered = new Map<string, number>();
  badSignatures = 0;
  private waiters: (() => void)[] = [];

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const at = now();
        const raw = Buffer.concat(chunks).toString('utf8');
        let event: { id?: string; event?: string; data?: { id?: string } };
        try {
          event = JSON.parse(raw) as typeof event;
        } catch {
          res.writeHead(400).end();
          return;
        }
        const id = event.id ?? '';
        const attempt = (this.attempts.get(id) ?? 0) + 1;
        this.attempts.set(id, attempt);
        const signature = req.headers['osma-signature'] as string | undefined;
        if (this.secret && !(signature && verifyOsmaSignature(signature, raw, this.secret))) this.badSignatures += 1;
        if (attempt === 1 && this.failShare > 0 && createHash('sha256').update(id).digest()[0]! / 256 < this.failShare) {
          res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"bench: failing a first attempt"}');
          return;
        }
        const taskId = event.data?.id;
        if (taskId && !this.delivered.has(taskId)) this.delivered.set(taskId, at);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks`;
  }

  reset(failShare: number): void {
    this.failShare = failShare;
    this.attempts.clear();
    this.delivered.clear();
    this.badSignatures = 0;
  }

  async waitFor(taskIds: string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (taskIds.some((id) => !this.delivered.has(id)) && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1_000);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The bare hop: the same kind of signed event POSTed straight to the receiver, one at a time. */
async function directBaseline(receiver: Receiver, count: number): Promise<{ latencies: number[]; perSecond: number }> {
  const body = JSON.stringify({ id: 'evt_direct', event: 'tasks.created', created_at: new Date().toISOString(), data: { id: 'task_direct', ...taskBody({ template: 't', member: 'm', user: 'u' }) } });
  const latencies: number[] = [];
  let started = now();
  for (let i = -5; i < count; i++) {
    if (i === 0) started = now();
    const signature = osmaSignature({ timestamp: Math.floor(Date.now() / 1000), body, secrets: [receiver.secret || 'direct'] });
    const start = now();
    const response = await fetch(receiver.url, { method: 'POST', headers: { 'content-type': 'application/json', 'osma-signature': signature }, body });
    await response.text();
    if (i >= 0) latencies.push(now() - start);
  }
  return { latencies, perSecond: count / ((now() - started) / 1000) };
}

export const webhooks: Section = async ({ plan }) => {
  const settings = [0, plan.webhooks.failShare];
  const labels = settings.map((share) => (share ? `receiver fails ${Math.round(share * 100)}% of first attempts` : 'receiver answers 2xx'));
  const section = {
    title: 'Webhook pipeline: task write to receiver 2xx',
    baseline: 'the same signed POST sent straight to the same receiver, one at a time (latency of the last hop alone; events per second of one sequential sender with no pipeline).',
    budget: 'none set by the issue: every event delivered; the figures are for the record.',
    columns: [
      { key: 'events', label: 'events', format: 'int' as const },
      { key: 'delivered', label: 'delivered', format: 'int' as const },
      { key: 'retries', label: 'retries', format: 'int' as const },
      { key: 'p50', label: 'p50 ×direct', format: 'ratio' as const },
      { key: 'p99', label: 'p99 ×direct', format: 'ratio' as const },
      { key: 'rate', label: 'events/s ×direct', format: 'ratio' as const },
      { key: 'badSignatures', label: 'bad signatures', format: 'int' as const },
    ],
  };
  const stack = await benchStack();
  const org = await benchOrganization('Bench: webhooks');
  const fixture = await taskFixture(org);
  const receiver = new Receiver();
  await receiver.start();
  // The endpoint is made through the same domain call the API uses; its secret signs every delivery.
  const endpoint = await createEndpoint(org.scope, createWebhookEndpointBody.parse({ url: receiver.url, events: ['tasks.created'] }));
  receiver.secret = endpoint.secret;
  // The pollers stop with the bench stack.
  await stack.startWebhookPipeline();
  const rows: Row[] = [];
  const raw: Record<string, unknown> = { pipeline: PIPELINE };
  try {
    const direct = await directBaseline(receiver, Math.min(100, plan.webhooks.events));
    const directP50 = median(direct.latencies);
    const directP99 = percentile(direct.latencies, 99);
    raw.direct = { p50Ms: round(directP50, 3), p99Ms: round(percentile(direct.latencies, 99), 3), perSecond: round(direct.perSecond, 1) };
    const create = async () => {
      const task = await createTask(org.scope, taskBody(fixture) as never);
      return { id: task.id, written: now() };
    };
    for (const [index, share] of settings.entries()) {
      const events = plan.webhooks.events;
      // Steady pace: one task every 50 ms, so that latency is not mostly queueing.
      log(`webhooks: ${labels[index]}: ${events} events at a steady pace`);
      receiver.reset(share);
      const paced: { id: string; written: number }[] = [];
      for (let i = 0; i < events; i++) {
        const started = now();
        paced.push(await create());
        const rest = 50 - (now() - started);
        if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
      }
      await receiver.waitFor(paced.map((t) => t.id), plan.webhooks.timeoutSeconds * 1000);
      const latencies = paced.filter((t) => receiver.delivered.has(t.id)).map((t) => receiver.delivered.get(t.id)! - t.written);
      const pacedRetries = [...receiver.attempts.values()].reduce((sum, n) => sum + n - 1, 0);
      const pacedBad = receiver.badSignatures;
      const pacedDelivered = latencies.length;

      // Burst: all at once (8 writers), then events per second until the last is delivered.
      log(`webhooks: ${labels[index]}: burst of ${events} events`);
      receiver.reset(share);
      const burstStart = now();
      const burst = await mapLimit(Array.from({ length: events }), 8, () => create());
      await receiver.waitFor(burst.map((t) => t.id), plan.webhooks.timeoutSeconds * 1000);
      const last = Math.max(...burst.map((t) => receiver.delivered.get(t.id) ?? Number.NaN));
      const burstDelivered = burst.filter((t) => receiver.delivered.has(t.id)).length;
      const perSecond = burstDelivered / ((last - burstStart) / 1000);
      raw[labels[index]!] = {
        paced: { p50Ms: round(median(latencies), 1), p99Ms: round(percentile(latencies, 99), 1), delivered: pacedDelivered, retries: pacedRetries },
        burst: { perSecond: round(perSecond, 1), delivered: burstDelivered },
      };
      const undelivered = events - pacedDelivered + (events - burstDelivered);
      rows.push({
        label: labels[index]!,
        values: {
          events: events * 2,
          delivered: pacedDelivered + burstDelivered,
          retries: pacedRetries + [...receiver.attempts.values()].reduce((sum, n) => sum + n - 1, 0),
          p50: round(ratio(median(latencies), directP50), 2),
          p99: round(ratio(percentile(latencies, 99), directP99), 2),
          rate: round(ratio(perSecond, direct.perSecond), 3),
          badSignatures: pacedBad + receiver.badSignatures,
        },
        verdict: undelivered ? 'MISS' : 'INFO',
        note: [
          ...(undelivered ? [`${undelivered} events not delivered within ${plan.webhooks.timeoutSeconds} s`] : []),
          ...(pacedBad + receiver.badSignatures ? ['some osma-signature headers did not verify'] : []),
        ].join('; ') || undefined,
      });
    }
  } finally {
    await receiver.stop();
  }
  return {
    ...section,
    rows,
    notes: [
      `Pipeline: ${PIPELINE}. Latency: ${plan.webhooks.events} tasks written one every 50 ms; rate: ${plan.webhooks.events} tasks written by 8 writers at once, delivered events per second from the first write to the last 2xx. Retries are receiver-side attempts beyond the first.`,
      'Absolute milliseconds and events per second are in the JSON (raw).',
    ],
    raw,
  };
};
