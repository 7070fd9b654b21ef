import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A webhook receiver on 127.0.0.1, as a developer would run one: it records every POST
 * (raw body and headers) and answers as the test tells it, per path, so one receiver can
 * play several endpoints.
 */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as sent (signatures are over it). */
  body: string;
  json: { id: string; event: string; created_at: string; data: Record<string, any> };
  at: number;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  delayMs?: number;
}

type Responder = (request: Received, seenForEvent: number) => Answer;

export interface Receiver {
  url: string;
  received: Received[];
  /** How this path answers; `seenForEvent` counts the POSTs of the same event id to the path, this one included. */
  answer: (path: string, responder: Responder) => void;
  at: (path: string) => Received[];
  waitFor: (path: string, count: number, timeoutMs?: number) => Promise<Received[]>;
  close: () => Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const responders = new Map<string, Responder>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      let json: Received['json'];
      try {
        json = JSON.parse(body);
      } catch {
        json = { id: '', event: '', created_at: '', data: {} };
      }
      const entry: Received = { path, headers: req.headers, body, json, at: Date.now() };
      received.push(entry);
      const seen = received.filter((other) => other.path === path && other.json.id === json.id).length;
      const answer: Answer = (responders.get(path) ?? (() => ({ status: 200 })))(entry, seen);
      setTimeout(() => {
        res.writeHead(answer.status, answer.headers).end('');
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const at = (path: string) => received.filter((entry) => entry.path === path);
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answer: (path, responder) => responders.set(path, responder),
    at,
    waitFor: async (path, count, timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      while (at(path).length < count) {
        if (Date.now() > deadline) {
          throw new Error(`receiver got ${at(path).length} of ${count} POSTs to ${path} within ${timeoutMs} ms`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return at(path);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls until `check` returns a value (not undefined), or fails after the timeout. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
