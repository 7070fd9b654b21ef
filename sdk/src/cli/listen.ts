import { setTimeout as delay } from 'node:timers/promises';
import { signPayload, type WebhookEvent } from '../webhooks.ts';
import { request, type Connection } from './http.ts';

export interface ListenOptions {
  forwardTo: string;
  secret: string;
  /** Only these event types are forwarded; empty forwards all. */
  events: readonly string[];
  intervalMs: number;
  /** How far behind the newest event seen each poll reads again, for events committed late. */
  overlapMs: number;
  /** Events created up to this long before the start are forwarded too. */
  lookBackMs: number;
  out: (line: string) => void;
  signal: AbortSignal;
}

const PAGE = 100;

/** `2026-01-01T00:00:00.123456+00:00` (microseconds) as epoch milliseconds. */
export function createdMs(createdAt: string): number {
  return Date.parse(createdAt.replace(/(\.\d{3})\d+/, '$1'));
}

/**
 * Follows `GET /events` and forwards each event once, oldest first. Each poll pages back from the
 * newest event (starting_after the last id of each page) until it reaches the floor: the newest
 * creation time seen minus the overlap. So an event committed a little after a newer one is
 * still read, and after a pause or a lost connection the next poll pages back over everything
 * missed. Ids already forwarded are dropped; the set forgets what falls below the floor.
 */
export async function listen(connection: Connection, options: ListenOptions): Promise<void> {
  const startFloor = Date.now() - options.lookBackMs;
  let newest = startFloor;
  const seen = new Map<string, number>();
  let failing = false;
  while (!options.signal.aborted) {
    const floor = Math.max(startFloor, newest - options.overlapMs);
    try {
      const fresh = await readSince(connection, floor, seen);
      if (failing) options.out('Connection to the API is back; caught up.');
      failing = false;
      for (const event of fresh.reverse()) {
        if (options.signal.aborted) return;
        const created = createdMs(event.created_at);
        seen.set(event.id, created);
        newest = Math.max(newest, created);
        if (options.events.length && !options.events.includes(event.event)) continue;
        await forward(event, options);
      }
      for (const [id, created] of seen) if (created < floor - options.overlapMs) seen.delete(id);
    } catch (error) {
      if (!failing) options.out(`Cannot read events (${(error as Error).message}); retrying every ${options.intervalMs} ms.`);
      failing = true;
    }
    await sleep(options.intervalMs, options.signal);
  }
}

/** The unseen events created at or after the floor, newest first. */
async function readSince(connection: Connection, floor: number, seen: Map<string, number>): Promise<WebhookEvent[]> {
  const fresh: WebhookEvent[] = [];
  let cursor: string | undefined;
  for (;;) {
    const query = new URLSearchParams({ limit: String(PAGE) });
    if (cursor) query.set('starting_after', cursor);
    const answer = await request<{ data: WebhookEvent[]; has_next: boolean }>(connection, 'GET', `/events?${query}`);
    if (answer.status !== 200) {
      throw new Error(`GET /events answered ${answer.status} ${(answer.body as any)?.error?.message ?? ''} (request-id ${answer.requestId})`);
    }
    for (const event of answer.body.data) {
      if (createdMs(event.created_at) < floor) return fresh;
      if (!seen.has(event.id)) fresh.push(event);
    }
    const last = answer.body.data.at(-1);
    if (!answer.body.has_next || !last) return fresh;
    cursor = last.id;
  }
}

async function forward(event: WebhookEvent, options: ListenOptions): Promise<void> {
  const body = JSON.stringify(event);
  const started = Date.now();
  options.out(`${new Date().toISOString()}  --> ${event.event} [${event.id}]`);
  try {
    const response = await fetch(options.forwardTo, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'osma-cli/0.1',
        'osma-signature': signPayload(body, options.secret),
      },
      body,
      signal: AbortSignal.timeout(30_000),
    });
    await response.arrayBuffer();
    options.out(`${new Date().toISOString()}  <-- [${response.status}] POST ${options.forwardTo} [${event.id}] ${Date.now() - started} ms`);
  } catch (error) {
    options.out(`${new Date().toISOString()}  <-- [ERROR] POST ${options.forwardTo} [${event.id}]: ${(error as Error).message}`);
  }
}

/**
 * A pause that Ctrl-C cuts short. It removes its listener from the long-lived signal when it ends
 * (one left behind per poll would pile up for as long as `listen` runs).
 */
async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal }).catch((error: unknown) => {
    if (!signal.aborted) throw error;
  });
}
