import type { APIGatewayProxyResult } from 'aws-lambda';
import { benchLogin } from '#bench/scenarios/identity';
import { scenarios, type PreparedScenario } from '#bench/scenarios';
import { CapacityCapture, readUnits, sizeOfItem, totals, writeUnits, type CallRecord } from '#bench/support/capture';
import {
  apiContext,
  apiEvent,
  authorizerContext,
  sessionAuthorizerContext,
  BENCH_RATE_LIMITS,
  benchOrganization,
  benchStack,
  log,
  routeHandler,
  type BenchOrganization,
  type RequestSpec,
} from '#bench/support/environment';
import { dynamoDollarsPerMillion } from '#bench/support/prices';
import type { Row } from '#bench/support/report';
import type { Section } from '#bench/support/section';
import { round } from '#bench/support/stats';
import { db } from '#shared/platform/db';
import type { RouteDefinition } from '#shared/http/route';
import { takeRequest } from '#shared/http/middleware/rate-limit';

/**
 * DynamoDB cost per API call: one call of each route's real handler, with every DynamoDB call
 * captured (bench/support/capture.ts: the units by AWS's rules from the item sizes, and what
 * DynamoDB Local reports), against the least the operation needs:
 *
 * - GET one: one strongly consistent read of the object (the API shows a write to the next
 *   read), 1 unit per 4 KB;
 * - a list page: one eventually consistent Query over the objects returned, 0.5 unit per 4 KB;
 * - a create, update or delete: one plain write of the object, 1 unit per KB, and no read (a
 *   conditional UpdateItem needs none);
 * - an answer made from no stored data (the OpenAPI document): nothing.
 * Objects are sized as the API returns them (no keys, no indexes, no events), so the minimum is
 * a floor that no design reaches; the ratio says how far above it each call is, in dollars.
 *
 * Budgets (the issue's): a GET of one object reads one item and costs one item read plus what
 * auth and the rate limiter cost; no call reads more items than it returns plus one.
 */
interface Cost {
  read: number;
  write: number;
  itemsRead: number;
}

/** The objects an answer returns: a list's page, or the one object. */
function returnedObjects(response: APIGatewayProxyResult): Record<string, unknown>[] {
  if (!String(response.headers?.['content-type'] ?? '').includes('json')) return [];
  const body = JSON.parse(response.body) as Record<string, unknown>;
  if (Array.isArray(body.data) && 'has_next' in body) return body.data as Record<string, unknown>[];
  return [body];
}

function minimum(kind: PreparedScenario['kind'], objects: Record<string, unknown>[]): { read: number; write: number } {
  const sizes = objects.map((object) => sizeOfItem(object));
  switch (kind) {
    case 'getOne':
      return { read: readUnits(sizes[0] ?? 0), write: 0 };
    case 'list':
      return { read: 0.5 * readUnits(sizes.reduce((a, b) => a + b, 0)), write: 0 };
    case 'static':
      return { read: 0, write: 0 };
    default:
      return { read: 0, write: writeUnits(sizes[0] ?? 0) };
  }
}

const describe = (calls: CallRecord[]) =>
  calls.map((call) => `${call.detail} ${[call.model.read ? `${call.model.read}R` : '', call.model.write ? `${call.model.write}W` : ''].filter(Boolean).join('+') || '0'}`).join(', ');

export const capacity: Section = async ({ routes }) => {
  const stack = await benchStack();
  const org = await benchOrganization('Bench: capacity');
  const capture = new CapacityCapture(stack.dynamoDbEndpoint);
  const uninstall = capture.install(db());
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  try {
    // What auth and the rate limiter cost, measured the same way.
    const auth = await capture.measure(() => authorizerContext(org.testKey));
    const authCost = totals(auth.calls);
    rows.push({
      label: 'authorizer, per key per cache period',
      values: { calls: authCost.calls, itemsRead: authCost.itemsRead, returned: null, read: authCost.read, write: authCost.write, reported: `${authCost.reportedRead} / ${authCost.reportedWrite}`, dollars: round(dynamoDollarsPerMillion(authCost.read, authCost.write), 3) },
      verdict: 'INFO',
      note: `${describe(auth.calls)}; API Gateway caches the answer per key for 300 s, so a call pays this only on a cache miss: ≈ 0 per call`,
    });
    raw.authorizer = auth.calls;

    // The management API's calls with a session pass the session authorizer, cached per token.
    if (routes.some((route) => route.auth === 'session')) {
      const { accessToken } = await benchLogin(org);
      const session = await capture.measure(() => sessionAuthorizerContext(accessToken));
      const cost = totals(session.calls);
      rows.push({
        label: 'session authorizer, per token per cache period',
        values: { calls: cost.calls, itemsRead: cost.itemsRead, returned: null, read: cost.read, write: cost.write, reported: `${cost.reportedRead} / ${cost.reportedWrite}`, dollars: round(dynamoDollarsPerMillion(cost.read, cost.write), 3) },
        verdict: 'INFO',
        note: `${describe(session.calls)}; API Gateway caches the answer per access token (OSMA_AUTHORIZER_CACHE_SECONDS), so a call pays this only on a cache miss`,
      });
      raw.sessionAuthorizer = session.calls;
    }

    const taken = await capture.measure(() => takeRequest(org.scope, 'benchCapacity', BENCH_RATE_LIMITS.test));
    const t = totals(taken.calls);
    const limiterCost: Cost = { read: t.read, write: t.write, itemsRead: t.itemsRead };
    rows.push({
      label: 'rate limiter, per call',
      values: { calls: t.calls, itemsRead: t.itemsRead, returned: null, read: t.read, write: t.write, reported: `${t.reportedRead} / ${t.reportedWrite}`, dollars: round(dynamoDollarsPerMillion(t.read, t.write), 3) },
      verdict: 'INFO',
      note: describe(taken.calls),
    });
    raw.rateLimiter = taken.calls;

    const measureCall = async (label: string, route: RouteDefinition, prepared: PreparedScenario, request: RequestSpec, target: BenchOrganization): Promise<Row> => {
      const handler = await routeHandler(route);
      const event = apiEvent(route, target, request);
      const { result: response, calls } = await capture.measure(() => handler(event, apiContext(route)));
      raw[label] = calls;
      if (response.statusCode !== route.success.status) {
        return { label, values: {}, verdict: 'ERROR' as const, note: `answered ${response.statusCode}: ${response.body.slice(0, 160)}` };
      }
      const objects = returnedObjects(response);
      const t = totals(calls);
      const floor = minimum(prepared.kind, objects);
      const cost = dynamoDollarsPerMillion(t.read, t.write);
      const floorCost = dynamoDollarsPerMillion(floor.read, floor.write);
      const misses: string[] = [];
      if (t.itemsRead > objects.length + 1 + limiterCost.itemsRead) misses.push(`reads ${t.itemsRead} items for ${objects.length} returned`);
      if (prepared.kind === 'getOne') {
        if (t.read > floor.read + limiterCost.read || t.write > limiterCost.write || t.itemsRead > 1 + limiterCost.itemsRead) {
          misses.push(`GET one costs ${t.read} RCU + ${t.write} WCU, budget ${floor.read + limiterCost.read} RCU + ${limiterCost.write} WCU`);
        }
      }
      const differs = t.reportedRead !== t.read || t.reportedWrite !== t.write;
      return {
        label,
        values: {
          calls: t.calls,
          itemsRead: t.itemsRead,
          returned: objects.length,
          checks: t.conditionChecks,
          read: t.read,
          write: t.write,
          minRead: floor.read,
          minWrite: floor.write,
          overMin: floorCost > 0 ? round(cost / floorCost, 2) : null,
          dollars: round(cost, 3),
          reported: `${t.reportedRead} / ${t.reportedWrite}`,
        },
        verdict: misses.length ? ('MISS' as const) : ('PASS' as const),
        note: [...misses, describe(calls), ...(differs ? ['DynamoDB Local reports otherwise (transactions under-counted)'] : [])].join('; '),
      };
    };

    for (const route of routes) {
      const scenario = scenarios[route.operationId];
      if (!scenario) {
        rows.push({ label: route.operationId, values: {}, verdict: 'NOT MEASURED', note: 'no scenario in bench/scenarios.ts for this route' });
        continue;
      }
      log(`capacity: ${route.operationId}`);
      const prepared = await scenario.prepare(org, 4 + (scenario.kind === 'create' ? 2 : 0));
      rows.push(await measureCall(`${route.method} ${route.path}`, route, prepared, prepared.request(), org));
      for (const variant of prepared.variants ?? []) rows.push(await measureCall(variant.label, route, prepared, variant.request(), org));
      if (route.method === 'POST' && prepared.kind === 'create') {
        const request = prepared.request();
        const keyed = { ...request, headers: { ...request.headers, 'idempotency-key': `bench-${Date.now()}-${route.operationId}` } };
        rows.push(await measureCall(`${route.operationId} with idempotency-key, first`, route, prepared, keyed, org));
        rows.push(await measureCall(`${route.operationId} with idempotency-key, replay`, route, prepared, keyed, org));
      }
    }
  } finally {
    uninstall();
    capture.destroy();
  }

  return {
    title: 'DynamoDB cost per API call',
    baseline: 'the least the operation needs: one consistent read of the object for GET one, one eventually consistent Query over the returned objects for a list, one plain write of the object for a change (objects sized as the API returns them).',
    budget: 'GET one = one item read plus what auth and the rate limiter cost; no call reads more items than it returns plus one.',
    columns: [
      { key: 'calls', label: 'calls', format: 'int' },
      { key: 'itemsRead', label: 'items read', format: 'int' },
      { key: 'returned', label: 'returned', format: 'int' },
      { key: 'read', label: 'RCU', format: 'num' },
      { key: 'write', label: 'WCU', format: 'num' },
      { key: 'minRead', label: 'min RCU', format: 'num' },
      { key: 'minWrite', label: 'min WCU', format: 'num' },
      { key: 'overMin', label: 'cost ×min', format: 'ratio' },
      { key: 'dollars', label: '$ per 1M calls', format: 'num' },
      { key: 'reported', label: 'Local says R / W', format: 'text' },
    ],
    rows,
    notes: [
      'RCU/WCU are request units by AWS rules from the item sizes (bench/support/capture.ts); "Local says" is what DynamoDB Local reports with ReturnConsumedCapacity, which is right for single-item calls and queries but counts a multi-item transaction as if it were one item.',
      'Transactions cost twice per item (ConditionCheck included), and every write also writes each index the item is in: the task item is in up to three, so one task write is four writes.',
      '$ per 1M calls: DynamoDB on-demand only, us-east-1 ($0.125 per million read units, $0.625 per million write units; bench/support/prices.ts).',
    ],
    raw,
  };
};
