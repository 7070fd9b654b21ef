import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bareDb, scenarios, type BareResult } from '#bench/scenarios';
import { CapacityCapture, type CallRecord } from '#bench/support/capture';
import {
  apiContext,
  apiEvent,
  BENCH_RATE_LIMITS,
  benchOrganization,
  benchStack,
  log,
  routeHandler,
  WORK_DIR,
} from '#bench/support/environment';
import type { Row } from '#bench/support/report';
import type { Section } from '#bench/support/section';
import { median, now, percentile, ratio, round } from '#bench/support/stats';
import { db } from '#shared/platform/db';
import { takeRequest } from '#shared/http/middleware/rate-limit';

/**
 * Warm overhead, per endpoint: the real handler (middy, validation, the envelope, the log
 * line, item mapping: everything a warm Lambda runs) invoked in this process with the proxy
 * event the local gateway builds, next to a bare handler that makes the same DynamoDB calls
 * with a plain client and nothing else (bench/scenarios.ts). Both talk to the same DynamoDB
 * Local; the two alternate call by call, so that what the machine does meanwhile falls on
 * both alike. Before timing, one call of each is captured and their DynamoDB calls compared:
 * a bare handler that drifted from the real one is reported, not silently timed.
 */
export const WARM_BUDGET_RATIO = 1.2;

// As sets of calls: calls made at once (a login reads its membership and its TOTP state together) finish in either order.
const callSet = (calls: CallRecord[]) => calls.map((c) => c.detail).sort().join(' | ');
const sameCalls = (a: CallRecord[], b: CallRecord[]) => callSet(a) === callSet(b);

export const warmOverhead: Section = async ({ plan, routes }) => {
  const stack = await benchStack();
  const org = await benchOrganization('Bench: warm overhead');
  const capture = new CapacityCapture(stack.dynamoDbEndpoint);
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  const { warmup, iterations } = plan.warm;

  for (const route of routes) {
    const scenario = scenarios[route.operationId];
    if (!scenario) {
      rows.push({ label: route.operationId, values: {}, verdict: 'NOT MEASURED', note: 'no scenario in bench/scenarios.ts for this route' });
      continue;
    }
    log(`warm overhead: ${route.operationId}`);
    const prepared = await scenario.prepare(org, 2 * (warmup + iterations) + 2);
    const handler = await routeHandler(route);
    const context = apiContext(route);
    const failures: string[] = [];

    const real = async () => {
      const event = apiEvent(route, org, prepared.request());
      const start = now();
      const response = await handler(event, context);
      const elapsed = now() - start;
      if (response.statusCode !== route.success.status) failures.push(`${response.statusCode} ${response.body.slice(0, 160)}`);
      return elapsed;
    };

    // One captured call of each: do they make the same DynamoDB calls?
    const uninstall = [capture.install(db()), capture.install(bareDb())];
    let realCalls: CallRecord[];
    let bareCalls: CallRecord[];
    let bare: () => Promise<number>;
    try {
      realCalls = (await capture.measure(real)).calls;
      // When the handler counts the request with the rate limiter, the bare one makes that call too.
      const limited = realCalls.some((call) => call.detail.includes('RATE'));
      bare = async () => {
        const request = prepared.request();
        const start = now();
        if (limited) await takeRequest(org.scope, route.operationId, BENCH_RATE_LIMITS.test);
        const response: BareResult = await prepared.bare(request);
        const elapsed = now() - start;
        if (response.statusCode !== route.success.status) failures.push(`bare ${response.statusCode} ${response.body.slice(0, 160)}`);
        return elapsed;
      };
      bareCalls = (await capture.measure(bare)).calls;
    } finally {
      for (const undo of uninstall) undo();
    }

    const realTimes: number[] = [];
    const bareTimes: number[] = [];
    for (let i = 0; i < warmup + iterations; i++) {
      const pair = i % 2 === 0 ? [real, bare] : [bare, real];
      const first = await pair[0]!();
      const second = await pair[1]!();
      if (i < warmup) continue;
      (pair[0] === real ? realTimes : bareTimes).push(first);
      (pair[1] === real ? realTimes : bareTimes).push(second);
    }

    // A step timed alone, between calls of neither (a login's scrypt): its share of each call.
    const parts = [];
    for (const part of prepared.parts ?? []) {
      const times: number[] = [];
      for (let i = 0; i < warmup + iterations; i++) {
        const start = now();
        await part.run();
        if (i >= warmup) times.push(now() - start);
      }
      parts.push({ label: part.label, p50: median(times), realShare: median(times) / median(realTimes), bareShare: median(times) / median(bareTimes) });
    }
    const partsNote = parts.map(
      (part) =>
        `${part.label} alone ${part.p50.toFixed(1)} ms (p50) = ${(part.realShare * 100).toFixed(0)}% of ours (${median(realTimes).toFixed(1)} ms), ${(part.bareShare * 100).toFixed(0)}% of the bare one (${median(bareTimes).toFixed(1)} ms)`,
    );

    const p50 = ratio(median(realTimes), median(bareTimes));
    const p90 = ratio(percentile(realTimes, 90), percentile(bareTimes, 90));
    raw[route.operationId] = {
      realMs: { p50: round(median(realTimes), 3), p90: round(percentile(realTimes, 90), 3) },
      bareMs: { p50: round(median(bareTimes), 3), p90: round(percentile(bareTimes, 90), 3) },
      calls: realCalls.map((call) => call.detail),
      bareCalls: bareCalls.map((call) => call.detail),
      ...(parts.length && { partsMs: Object.fromEntries(parts.map((part) => [part.label, round(part.p50, 3)])) }),
    };
    const drift = sameCalls(realCalls, bareCalls)
      ? undefined
      : `bare calls differ: real [${realCalls.map((c) => c.detail).join(', ')}] vs bare [${bareCalls.map((c) => c.detail).join(', ')}]`;
    if (failures.length) {
      rows.push({ label: route.operationId, values: {}, verdict: 'ERROR', note: `${failures.length} unexpected answers, e.g. ${failures[0]}` });
      continue;
    }
    if (realCalls.length === 0) {
      // The budget is a share of the DynamoDB work; without any, the ratio is over a bare
      // handler that does nothing. What our code costs is then said in milliseconds.
      const added = median(realTimes) - median(bareTimes);
      rows.push({
        label: `${route.method} ${route.path}`,
        values: { calls: 0, p50: round(p50, 3), p90: round(p90, 3), overheadShare: round(1 - 1 / p50, 3) },
        verdict: 'INFO',
        note: `no DynamoDB call, so no budget: the bare handler returns a ready answer; our code adds ${added.toFixed(3)} ms per call (p50)`,
      });
      continue;
    }
    rows.push({
      label: `${route.method} ${route.path}`,
      values: { calls: realCalls.length, p50: round(p50, 3), p90: round(p90, 3), overheadShare: round(1 - 1 / p50, 3) },
      verdict: p50 > WARM_BUDGET_RATIO ? 'MISS' : 'PASS',
      note: [
        ...(p50 > WARM_BUDGET_RATIO ? [`p50 ${p50.toFixed(2)}x > ${WARM_BUDGET_RATIO}x`] : []),
        ...partsNote,
        realCalls.map((c) => c.detail).join(', '),
        ...(drift ? [drift] : []),
      ].join('; '),
    });
  }
  capture.destroy();
  const logBytes = requestLogBytes();
  raw.requestLogLineBytes = logBytes;

  return {
    title: 'Warm overhead per endpoint (in process, against DynamoDB Local)',
    baseline: 'a bare handler making the same DynamoDB calls with a plain document client: no middleware, no validation, no envelope, no log line.',
    budget: `our p50 within ${WARM_BUDGET_RATIO}x of the bare one.`,
    columns: [
      { key: 'calls', label: 'DynamoDB calls', format: 'int' },
      { key: 'p50', label: 'p50 ×bare', format: 'ratio' },
      { key: 'p90', label: 'p90 ×bare', format: 'ratio' },
      { key: 'overheadShare', label: 'our share of p50', format: 'pct' },
    ],
    rows,
    notes: [
      `${iterations} timed calls of each (after ${warmup} warm-up calls), real and bare alternating; the handlers log at INFO as deployed (to a file here).`,
      'DynamoDB Local answers in milliseconds where DynamoDB answers in single-digit milliseconds too, so the share of our code is of the same order in Lambda; a slower store would make it smaller.',
      'Absolute p50/p90 milliseconds and each call list are in the JSON (raw).',
      ...(logBytes ? [`Each request writes one log line of ${Math.round(logBytes)} bytes on average (what CloudWatch Logs ingests per call).`] : []),
    ],
    raw,
  };
};

/** Average size of the handlers' per-request log line, from what this run wrote. */
function requestLogBytes(): number | undefined {
  try {
    const lines = readFileSync(path.join(WORK_DIR, 'handlers.log'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('"message":"request"'));
    return lines.length ? lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0) / lines.length : undefined;
  } catch {
    return undefined;
  }
}
