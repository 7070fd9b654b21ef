import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { generateApiKey, storeApiKey } from '#shared/identity/api-keys/api-key';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';
import { takeRequest } from '#shared/http/middleware/rate-limit';
import { createOrganization } from '#shared/identity/organizations/organization';
import { startLocalStack } from '#local/stack';

/**
 * `npm run measure`: what the API's guarantees cost a request, measured on the local stack
 * (DynamoDB Local on this machine, so absolute numbers are DynamoDB Local's, not AWS's):
 * the rate limiter's one UpdateItem beside a plain GetItem, and whole requests through the
 * gateway. Sequential calls, so each number is a latency, not a throughput. The request log
 * lines are silenced by the npm script (POWERTOOLS_LOG_LEVEL=SILENT).
 */
const ROUNDS = Number(process.env.ROUNDS ?? 300);

const stack = await startLocalStack({ port: 0 });
try {
  const organization = await createOrganization('Measurement', { rate_limits: { test: 1_000_000, live: 1_000_000 } });
  const key = generateApiKey('test');
  await storeApiKey(organization.id, key);
  const scope = { organizationId: organization.id, mode: 'test' as const };
  const request = (path: string, init: RequestInit = {}) =>
    fetch(`${stack.url}${path}`, { ...init, headers: { 'osma-api-key': key, ...init.headers } }).then((response) => response.text());
  const member = JSON.parse(await request('/members', { method: 'POST', body: JSON.stringify({ name: 'M', email: 'm@osma.com' }) })) as {
    id: string;
  };

  const rows: [string, number[]][] = [];
  const measure = async (name: string, run: (i: number) => Promise<unknown>) => {
    for (let i = 0; i < 20; i++) await run(i); // warm up
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const started = performance.now();
      await run(i);
      times.push(performance.now() - started);
    }
    rows.push([name, times.sort((a, b) => a - b)]);
  };

  await measure('rate limiter: UpdateItem on the counter', () => takeRequest(scope, 'measure', 1_000_000));
  await measure('baseline: GetItem of one item', () =>
    db().send(new GetCommand({ TableName: tableName(), Key: { pk: `ORG#${organization.id}`, sk: 'ORGANIZATION' } })),
  );
  await measure('GET /members/{id} (limiter + GetItem)', () => request(`/members/${member.id}`));
  await measure('GET /spec/openapi.json (no limiter, no table)', () => request('/spec/openapi.json'));
  await measure('POST /members/{id} without idempotency-key', (i) =>
    request(`/members/${member.id}`, { method: 'POST', body: JSON.stringify({ name: `n${i % 2}` }) }),
  );
  let round = 0;
  await measure('POST /members/{id} with a new idempotency-key', (i) =>
    request(`/members/${member.id}`, {
      method: 'POST',
      body: JSON.stringify({ name: `n${i % 2}` }),
      headers: { 'idempotency-key': `measure-${round++}` },
    }),
  );
  await measure('POST /members/{id} replayed', () =>
    request(`/members/${member.id}`, { method: 'POST', body: JSON.stringify({ name: 'n0' }), headers: { 'idempotency-key': 'measure-0' } }),
  );

  const at = (times: number[], p: number) => times[Math.min(times.length - 1, Math.floor((times.length * p) / 100))]!.toFixed(1);
  process.stdout.write(`${ROUNDS} sequential calls each, milliseconds\n\n| what | p50 | p95 | p99 |\n| --- | --- | --- | --- |\n`);
  for (const [name, times] of rows) process.stdout.write(`| ${name} | ${at(times, 50)} | ${at(times, 95)} | ${at(times, 99)} |\n`);
} finally {
  await stack.stop();
}
