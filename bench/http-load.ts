import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';
import { PROJECT_ROOT } from '#infra/platform/bundling';
import { makeMembers, makeTasks, memberBody, taskBody, taskFixture } from '#bench/scenarios';
import { benchOrganization, benchStack, log } from '#bench/support/environment';
import type { Row } from '#bench/support/report';
import type { Section } from '#bench/support/section';
import { ratio, round } from '#bench/support/stats';

/**
 * End to end through the local gateway: autocannon (a well-known HTTP load generator) at a
 * few concurrency levels against GET and POST of members and tasks, over real HTTP, through
 * the gateway's routing, cached authorizer and proxy events, the handlers and DynamoDB Local.
 * Three servers, each in a process of its own, measured at the same concurrency in the same
 * run:
 *  - ours: the local gateway (bench/support/gateway-child.ts);
 *  - bare: a node:http server answering each endpoint with its bare handler, the same
 *    DynamoDB calls and nothing else (bench/support/bare-server.ts): the baseline;
 *  - fixed: a node:http server answering a fixed JSON (bench/support/baseline-server.ts): the
 *    ceiling of HTTP on this machine, for scale.
 */
interface Target {
  operationId: string;
  label: string;
  method: 'GET' | 'POST';
  path: string;
  body?: () => string;
}

function child(file: string, env: NodeJS.ProcessEnv, setup?: unknown): Promise<{ url: string; process: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const process = fork(path.join(PROJECT_ROOT, file), [], { execArgv: ['--import', 'tsx'], env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    process.once('message', (message) => resolve({ url: (message as { url: string }).url, process }));
    process.once('exit', (code) => reject(new Error(`${file} exited (${code}) before it listened`)));
    if (setup !== undefined) process.send(setup as object);
  });
}

async function stop(process: ChildProcess): Promise<void> {
  if (process.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => process.once('exit', () => resolve()));
  process.disconnect();
  const timer = setTimeout(() => process.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

function options(url: string, target: Target, key: string): autocannon.Options {
  return {
    url: `${url}${target.path}`,
    method: target.method,
    headers: { 'osma-api-key': key, 'content-type': 'application/json' },
    // A body made per request: every member create needs its own email.
    ...(target.body && { requests: [{ method: target.method, setupRequest: (request) => ({ ...request, body: target.body!() }) }] }),
  };
}

function summary(result: autocannon.Result) {
  return {
    requests: result.requests.total,
    rps: round(result.requests.average, 1),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

const TARGET_ROUTES = ['getMember', 'createMember', 'getTask', 'createTask'];

export const httpLoad: Section = async ({ plan, routes }) => {
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  if (!routes.some((route) => TARGET_ROUTES.includes(route.operationId))) {
    rows.push({ label: 'HTTP load', values: {}, verdict: 'NOT MEASURED', note: `none of its routes (${TARGET_ROUTES.join(', ')}) is among --routes` });
    return { ...describeSection(plan.http.seconds), rows, raw };
  }
  await benchStack();
  const org = await benchOrganization('Bench: HTTP load');
  const [memberId] = await makeMembers(org.scope, 1);
  const fixture = await taskFixture(org);
  const [taskId] = await makeTasks(org, fixture, 1);
  const all: Target[] = [
    { operationId: 'getMember', label: 'GET /members/{id}', method: 'GET', path: `/members/${memberId}` },
    { operationId: 'createMember', label: 'POST /members', method: 'POST', path: '/members', body: () => JSON.stringify(memberBody()) },
    { operationId: 'getTask', label: 'GET /tasks/{id}', method: 'GET', path: `/tasks/${taskId}` },
    { operationId: 'createTask', label: 'POST /tasks', method: 'POST', path: '/tasks', body: () => JSON.stringify(taskBody(fixture)) },
  ];
  // --routes narrows these too.
  const targets = all.filter((target) => routes.some((route) => route.operationId === target.operationId));

  // The children reach the same DynamoDB Local through the environment startLocalStack set.
  const env = { ...process.env, POWERTOOLS_LOG_LEVEL: 'INFO' };
  const [gateway, bare, fixed] = await Promise.all([
    child('bench/support/gateway-child.ts', env),
    child('bench/support/bare-server.ts', env, {
      org,
      endpoints: [
        { method: 'GET', prefix: '/members', param: 'id', operationId: 'getMember' },
        { method: 'POST', prefix: '/members', operationId: 'createMember' },
        { method: 'GET', prefix: '/tasks', param: 'id', operationId: 'getTask' },
        { method: 'POST', prefix: '/tasks', operationId: 'createTask' },
      ].filter((endpoint) => targets.some((target) => target.operationId === endpoint.operationId)),
    }),
    child('bench/support/baseline-server.ts', env),
  ]);
  const run = (opts: autocannon.Options, connections: number) => autocannon({ ...opts, connections, duration: plan.http.seconds, timeout: 30 });

  try {
    // A short untimed run of each warms the handlers and the gateway's authorizer cache.
    for (const target of targets) {
      await autocannon({ ...options(gateway.url, target, org.testKey), connections: 1, amount: plan.http.warmupRequests });
      await autocannon({ ...options(bare.url, target, org.testKey), connections: 1, amount: plan.http.warmupRequests });
    }
    for (const connections of plan.http.concurrency) {
      log(`http load: ${connections} connections: fixed JSON`);
      const ceiling = await run({ url: fixed.url }, connections);
      raw[`fixed c${connections}`] = summary(ceiling);
      for (const [i, target] of targets.entries()) {
        log(`http load: ${connections} connections: ${target.label}`);
        // Bare and ours alternate which goes first, so that drift does not favour one.
        const order = i % 2 === 0 ? (['ours', 'bare'] as const) : (['bare', 'ours'] as const);
        const results: Partial<Record<'ours' | 'bare', autocannon.Result>> = {};
        for (const which of order) results[which] = await run(options(which === 'ours' ? gateway.url : bare.url, target, org.testKey), connections);
        const ours = results.ours!;
        const base = results.bare!;
        raw[`${target.label} c${connections}`] = { ours: summary(ours), bare: summary(base) };
        const failed = ours.non2xx + ours.errors;
        const bareFailed = base.non2xx + base.errors;
        rows.push({
          label: `${target.label} c=${connections}`,
          values: {
            requests: ours.requests.total,
            rps: round(ratio(ours.requests.average, base.requests.average), 3),
            p50: round(ratio(ours.latency.p50, base.latency.p50), 2),
            p99: round(ratio(ours.latency.p99, base.latency.p99), 2),
            ofCeiling: round(ratio(ours.requests.average, ceiling.requests.average), 4),
            failed,
          },
          verdict: failed > ours.requests.total * 0.01 || bareFailed > base.requests.total * 0.01 ? 'ERROR' : 'INFO',
          note: [
            ...(failed ? [`${ours.non2xx} non-2xx, ${ours.errors} errors (${ours.timeouts} timeouts)`] : []),
            ...(bareFailed ? [`bare: ${base.non2xx} non-2xx, ${base.errors} errors`] : []),
          ].join('; ') || undefined,
        });
      }
    }
  } finally {
    await stop(gateway.process);
    await stop(bare.process);
    await stop(fixed.process);
  }
  return { ...describeSection(plan.http.seconds), rows, raw };
};

function describeSection(seconds: number) {
  return {
    title: 'End to end through the local gateway (autocannon)',
    baseline: 'per endpoint, a bare node:http server making the same DynamoDB calls (no gateway, no authorizer, no middleware), same concurrency, same run; "of fixed JSON" compares with a server answering a fixed JSON, the HTTP ceiling of this machine.',
    budget: 'none set by the issue: reported for the record.',
    columns: [
      { key: 'requests', label: 'requests', format: 'int' as const },
      { key: 'rps', label: 'req/s ×bare', format: 'ratio' as const },
      { key: 'p50', label: 'p50 ×bare', format: 'ratio' as const },
      { key: 'p99', label: 'p99 ×bare', format: 'ratio' as const },
      { key: 'ofCeiling', label: 'req/s of fixed JSON', format: 'pct' as const },
      { key: 'failed', label: 'non-2xx + errors', format: 'int' as const },
    ],
    notes: [
      `${seconds} s per run. The load generator, the server under test, DynamoDB Local (Java) and the bench itself share the machine's cores, so these figures show where one Node process saturates here, not what API Gateway and Lambda (one environment per concurrent call) would sustain.`,
      'autocannon records latency in whole milliseconds. Absolute requests per second and percentiles of every run are in the JSON (raw).',
    ],
  };
}
