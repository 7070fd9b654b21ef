import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { scenarios, type PreparedScenario } from '#bench/scenarios';
import type { BenchOrganization, RequestSpec } from '#bench/support/environment';

/**
 * The per-endpoint HTTP baseline: a bare node:http server, in a process of its own like the
 * gateway, that answers each endpoint with the bare handler of bench/scenarios.ts (the same
 * DynamoDB calls, no gateway, no authorizer, no middleware). The parent sends the
 * organization and the endpoints over IPC; the server answers `{ url }`.
 */
interface Setup {
  org: BenchOrganization;
  endpoints: { method: string; prefix: string; operationId: string; param?: string }[];
}

process.once('message', async (message) => {
  const { org, endpoints } = message as Setup;
  const prepared = new Map<string, PreparedScenario>();
  for (const endpoint of endpoints) prepared.set(endpoint.operationId, await scenarios[endpoint.operationId]!.prepare(org, 1));
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const endpoint = endpoints.find(
        (e) => e.method === req.method && (e.param ? url.pathname.startsWith(`${e.prefix}/`) : url.pathname === e.prefix),
      );
      if (!endpoint) {
        res.writeHead(404).end();
        return;
      }
      const request: RequestSpec = {
        ...(endpoint.param && { pathParameters: { [endpoint.param]: decodeURIComponent(url.pathname.slice(endpoint.prefix.length + 1)) } }),
        ...(chunks.length && { body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown }),
      };
      try {
        const result = await prepared.get(endpoint.operationId)!.bare(request);
        const body = Buffer.from(result.body);
        res.writeHead(result.statusCode, { ...result.headers, 'content-length': String(body.length) }).end(body);
      } catch (error) {
        res.writeHead(500).end(String(error));
      }
    });
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  process.on('disconnect', () => server.close(() => process.exit(0)));
});
