import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postWebhook } from '#shared/api/webhooks/post';

const local = { allowLoopback: true };
const deployed = { allowLoopback: false };
let server: Server;
let base: string;
const seen: { path: string; headers: Record<string, unknown>; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', headers: req.headers, body });
      if (req.url === '/slow') return void setTimeout(() => res.writeHead(200).end(), 2_000);
      if (req.url === '/busy') return void res.writeHead(429, { 'retry-after': '30' }).end();
      if (req.url === '/moved') return void res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('a webhook POST', () => {
  it('sends the body and headers and reports the status, latency and retry-after', async () => {
    // Act
    const ok = await postWebhook(`${base}/ok`, '{"a":1}', { 'osma-signature': 't=1,v1=ab' }, { timeoutMs: 1_000, policy: local });
    const busy = await postWebhook(`${base}/busy`, '{}', {}, { timeoutMs: 1_000, policy: local });

    // Assess
    expect(ok).toMatchObject({ statusCode: 204, error: null, retryAfter: null });
    expect(ok.latencyMs).toBeGreaterThanOrEqual(0);
    expect(busy).toMatchObject({ statusCode: 429, retryAfter: '30' });
    const request = seen.find((entry) => entry.path === '/ok')!;
    expect(request.body).toBe('{"a":1}');
    expect(request.headers).toMatchObject({ 'content-type': 'application/json', 'osma-signature': 't=1,v1=ab', 'user-agent': 'Osma-Webhooks/1.0' });
  });

  it('gives up after the timeout', async () => {
    const result = await postWebhook(`${base}/slow`, '{}', {}, { timeoutMs: 300, policy: local });
    expect(result).toMatchObject({ statusCode: null, error: 'timeout: no answer within 0.3 s' });
    expect(result.latencyMs).toBeLessThan(1_500);
  });

  it('does not follow redirects', async () => {
    const result = await postWebhook(`${base}/moved`, '{}', {}, { timeoutMs: 1_000, policy: local });
    expect(result.statusCode).toBe(302);
    expect(seen.filter((entry) => entry.path === '/moved')).toHaveLength(1);
  });

  it('reports a refused connection', async () => {
    const result = await postWebhook('http://127.0.0.1:9/', '{}', {}, { timeoutMs: 1_000, policy: local });
    expect(result).toMatchObject({ statusCode: null, error: 'connection refused' });
  });

  it('never connects to a forbidden address where loopback is not allowed, by literal or by name', async () => {
    // Prepare
    const before = seen.length;
    const port = new URL(base).port;

    // Act
    const literal = await postWebhook(`https://127.0.0.1:${port}/ok`, '{}', {}, { timeoutMs: 1_000, policy: deployed });
    const named = await postWebhook(`https://localhost.:${port}/ok`, '{}', {}, { timeoutMs: 1_000, policy: deployed });
    const http = await postWebhook(`${base}/ok`, '{}', {}, { timeoutMs: 1_000, policy: deployed });

    // Assess
    expect(literal.error).toMatch(/^refused/);
    expect(named.error).toMatch(/^refused/);
    expect(http.error).toBe('refused: url must use https');
    expect(seen.length).toBe(before);
  });
});
