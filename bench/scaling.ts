import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { bareDb } from '#bench/scenarios';
import { CapacityCapture, totals } from '#bench/support/capture';
import {
  apiContext,
  apiEvent,
  benchOrganization,
  benchStack,
  log,
  routeHandler,
  type BenchOrganization,
} from '#bench/support/environment';
import type { Row } from '#bench/support/report';
import type { Section } from '#bench/support/section';
import { mapLimit, median, now, percentile, ratio, round, shuffled } from '#bench/support/stats';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';
import { newId } from '#shared/platform/ids';
import { memberKeys } from '#shared/api/members/keys';
import { routes } from '#shared/api/routes';
import { timestamp } from '#shared/platform/time';
import { takeRequest } from '#shared/http/middleware/rate-limit';

/**
 * Scaling:
 * - list latency and cost with 1k, 10k and 100k members in one organization (each size its
 *   own organization, seeded with BatchWriteItem straight into DynamoDB Local): the first
 *   page (limit 10) and a page from a cursor in the middle, through the real list handler,
 *   the sizes measured in shuffled turns so that drift falls on all alike. A list is one Query
 *   with a key condition on the id, so latency and units should not grow with the size.
 * - the rate limiter under many organizations at once: the same number of calls spread over
 *   1, 100 and 1000 organizations, all in one window, with a limit of half the calls each
 *   organization makes; latency against one organization, and exactly `limit` allowed per
 *   organization.
 */
export const FLAT_RATIO = 1.25;

const member = (i: number) => {
  const at = timestamp();
  return {
    id: newId('member'),
    created_at: at,
    updated_at: at,
    name: `Member ${i}`,
    email: `member.${i}@osma.bench`,
    status: 'active',
    status_transitions: [],
    date_of_birth: '1990-01-01',
    biological_sex: 'other',
    gender_identity: null,
    live_mode: false,
    metadata: { source: 'bench' },
  };
};

async function seedMembers(org: BenchOrganization, count: number): Promise<string[]> {
  const items = Array.from({ length: count }, (_, i) => member(i));
  const batches: (typeof items)[] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await mapLimit(batches, 8, async (batch) => {
    let pending: Record<string, unknown>[] = batch.map((item) => ({ PutRequest: { Item: { ...memberKeys.key(org.scope, item.id), entity: 'member', version: 1, ...item } } }));
    for (let attempt = 0; pending.length; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      const { UnprocessedItems } = await bareDb().send(new BatchWriteCommand({ RequestItems: { [tableName()]: pending as never } }));
      pending = (UnprocessedItems?.[tableName()] ?? []) as Record<string, unknown>[];
      if (attempt > 20) throw new Error('BatchWriteItem kept leaving items unprocessed');
    }
  });
  return items.map((item) => item.id);
}

async function listScaling(sizes: number[], iterations: number, rows: Row[], raw: Record<string, unknown>, endpoint: string) {
  const route = routes.listMembers;
  const handler = await routeHandler(route);
  const subjects: { size: number; org: BenchOrganization; cursor: string }[] = [];
  for (const size of sizes) {
    const org = await benchOrganization(`Bench: ${size} members`);
    const started = now();
    log(`scaling: seeding ${size.toLocaleString('en-US')} members`);
    const ids = await seedMembers(org, size);
    raw[`seedSeconds${size}`] = round((now() - started) / 1000, 1);
    subjects.push({ size, org, cursor: ids[Math.floor(ids.length / 2)]! });
  }
  const pages = ['first', 'deep'] as const;
  const query = (subject: (typeof subjects)[number], page: (typeof pages)[number]): Record<string, string> =>
    page === 'first' ? { limit: '10' } : { limit: '10', starting_after: subject.cursor };
  const call = async (subject: (typeof subjects)[number], page: (typeof pages)[number]) => {
    const event = apiEvent(route, subject.org, { query: query(subject, page) });
    const start = now();
    const response = await handler(event, apiContext(route));
    const elapsed = now() - start;
    if (response.statusCode !== 200 || (JSON.parse(response.body) as { data: unknown[] }).data.length !== 10) {
      throw new Error(`listMembers answered ${response.statusCode}: ${response.body.slice(0, 200)}`);
    }
    return elapsed;
  };
  const times = new Map<string, number[]>();
  for (let i = 0; i < iterations + 5; i++) {
    for (const subject of shuffled(subjects)) {
      for (const page of pages) {
        const elapsed = await call(subject, page);
        if (i >= 5) times.set(`${subject.size}:${page}`, [...(times.get(`${subject.size}:${page}`) ?? []), elapsed]);
      }
    }
  }
  const capture = new CapacityCapture(endpoint);
  const uninstall = capture.install(db());
  const units = new Map<string, ReturnType<typeof totals>>();
  try {
    for (const subject of subjects) {
      for (const page of pages) units.set(`${subject.size}:${page}`, totals((await capture.measure(() => call(subject, page))).calls));
    }
  } finally {
    uninstall();
    capture.destroy();
  }
  const smallest = subjects[0]!.size;
  for (const page of pages) {
    const base = median(times.get(`${smallest}:${page}`)!);
    const baseUnits = units.get(`${smallest}:${page}`)!;
    for (const subject of subjects) {
      const key = `${subject.size}:${page}`;
      const t = times.get(key)!;
      const u = units.get(key)!;
      const p50 = ratio(median(t), base);
      const isBase = subject.size === smallest;
      const flat = p50 <= FLAT_RATIO && u.read === baseUnits.read && u.itemsRead === baseUnits.itemsRead;
      raw[`list ${key}`] = { p50Ms: round(median(t), 3), p90Ms: round(percentile(t, 90), 3), rcu: u.read, itemsRead: u.itemsRead };
      rows.push({
        label: `GET /members?limit=10 ${page === 'first' ? 'first page' : 'from a cursor halfway'}, ${subject.size.toLocaleString('en-US')} members`,
        values: { items: subject.size, p50: round(p50, 3), p90: round(ratio(percentile(t, 90), percentile(times.get(`${smallest}:${page}`)!, 90)), 3), read: u.read, itemsRead: u.itemsRead },
        verdict: isBase ? 'INFO' : flat ? 'PASS' : 'MISS',
        note: isBase
          ? 'baseline of this page kind'
          : flat
            ? undefined
            : [p50 > FLAT_RATIO ? `p50 ${p50.toFixed(2)}x > ${FLAT_RATIO}x` : '', u.read !== baseUnits.read ? `RCU ${u.read} vs ${baseUnits.read}` : ''].filter(Boolean).join('; '),
      });
    }
  }
}

async function limiterScaling(organizationCounts: number[], calls: number, rows: Row[], raw: Record<string, unknown>) {
  const window = Date.now();
  const results = new Map<number, { times: number[]; wrong: number }>();
  for (const organizations of organizationCounts) {
    log(`scaling: rate limiter over ${organizations} organizations`);
    const scopes = Array.from({ length: organizations }, () => ({ organizationId: newId('organization'), mode: 'test' as const }));
    const perOrganization = Math.max(2, Math.floor(calls / organizations));
    const limit = Math.floor(perOrganization / 2);
    const work = shuffled(scopes.flatMap((scope) => Array.from({ length: perOrganization }, () => scope)));
    const allowed = new Map<string, number>();
    const times = await mapLimit(work, 16, async (scope) => {
      const start = now();
      const result = await takeRequest(scope, 'benchScaling', limit, window);
      const elapsed = now() - start;
      if (result.allowed) allowed.set(scope.organizationId, (allowed.get(scope.organizationId) ?? 0) + 1);
      return elapsed;
    });
    const wrong = scopes.filter((scope) => (allowed.get(scope.organizationId) ?? 0) !== limit).length;
    results.set(organizations, { times, wrong });
    raw[`limiter ${organizations}`] = { calls: work.length, limit, p50Ms: round(median(times), 3), p99Ms: round(percentile(times, 99), 3), wrong };
  }
  const base = results.get(organizationCounts[0]!)!;
  for (const organizations of organizationCounts) {
    const { times, wrong } = results.get(organizations)!;
    const p50 = ratio(median(times), median(base.times));
    const isBase = organizations === organizationCounts[0];
    rows.push({
      label: `rate limiter, ${organizations.toLocaleString('en-US')} organizations at once`,
      values: { items: organizations, p50: round(p50, 3), p90: round(ratio(percentile(times, 90), percentile(base.times, 90)), 3), wrongCounts: wrong },
      verdict: wrong > 0 ? 'MISS' : isBase ? 'INFO' : p50 <= FLAT_RATIO ? 'PASS' : 'MISS',
      note: [wrong ? `${wrong} organizations got other than exactly their limit` : '', !isBase && p50 > FLAT_RATIO ? `p50 ${p50.toFixed(2)}x > ${FLAT_RATIO}x` : ''].filter(Boolean).join('; ') || undefined,
    });
  }
}

export const scaling: Section = async ({ plan }) => {
  const stack = await benchStack();
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  await listScaling(plan.scaling.sizes, plan.scaling.iterations, rows, raw, stack.dynamoDbEndpoint);
  await limiterScaling(plan.scaling.limiterOrganizations, plan.scaling.limiterCalls, rows, raw);
  return {
    title: 'Scaling: list size and many organizations',
    baseline: `the same page at the smallest size (${plan.scaling.sizes[0]!.toLocaleString('en-US')} members); the limiter against one organization.`,
    budget: `flat: p50 within ${FLAT_RATIO}x of the baseline and the same units and items read (the issue says "should be flat"; ${FLAT_RATIO}x is this bench's reading of it); the limiter allows exactly its limit per organization.`,
    columns: [
      { key: 'items', label: 'members / orgs', format: 'int' },
      { key: 'p50', label: 'p50 ×base', format: 'ratio' },
      { key: 'p90', label: 'p90 ×base', format: 'ratio' },
      { key: 'read', label: 'RCU', format: 'num' },
      { key: 'itemsRead', label: 'items read', format: 'int' },
      { key: 'wrongCounts', label: 'orgs off limit', format: 'int' },
    ],
    rows,
    notes: [
      `${plan.scaling.iterations} timed calls per size and page, through the real list handler in this process.${plan.scaling.sizes.includes(100_000) ? '' : ' 100k is skipped in quick and smoke modes.'}`,
      'Seeding time per size is in the JSON (raw.seedSeconds…).',
    ],
    raw,
  };
};
