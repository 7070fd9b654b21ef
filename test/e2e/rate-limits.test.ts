import { BatchGetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { db } from '#shared/db';
import { rateLimitKeys } from '#shared/middleware/rate-limit';
import { DEFAULT_RATE_LIMITS, updateOrganizationSettings } from '#shared/organizations/organization';
import type { Mode } from '#shared/table';
import { call, newOrganization, type ApiResponse } from '#test/support/api';

/**
 * The limiter counts per wall-clock second, at the moment a request reaches it. A burst is
 * sent just after a second begins, so its requests almost always reach the limiter within
 * that second; but a slow machine may spread them over two. The tests therefore read the
 * counters themselves: within every second no more than the limit got through, the counters
 * add up to the answers that got through, and the burst met the limit.
 */
async function startOfSecond(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
  return Date.now();
}

interface Burst {
  answers: ApiResponse[];
  ok: ApiResponse[];
  limited: ApiResponse[];
  /** The count of each one-second window the burst touched, as the limiter stored it. */
  counts: number[];
}

async function burst(
  org: { organizationId: string },
  mode: Mode,
  operationId: string,
  count: number,
  request: () => Promise<ApiResponse>,
): Promise<Burst> {
  // One call first, so that cold starts and the authorizer's first look-up do not slow the burst.
  await request();
  const started = await startOfSecond();
  const answers = await Promise.all(Array.from({ length: count }, request));
  const ended = Date.now();
  const windows = Array.from({ length: Math.floor(ended / 1000) - Math.floor(started / 1000) + 1 }, (_, i) => Math.floor(started / 1000) + i);
  const scope = { organizationId: org.organizationId, mode };
  const { Responses } = await db().send(
    new BatchGetCommand({
      RequestItems: {
        [process.env.OSMA_TABLE_NAME!]: { Keys: windows.map((window) => rateLimitKeys.counter(scope, operationId, window)) },
      },
    }),
  );
  const counts = (Responses?.[process.env.OSMA_TABLE_NAME!] ?? []).map((item) => Number(item.count));
  return {
    answers,
    ok: answers.filter((answer) => answer.status < 400 || answer.status === 404),
    limited: answers.filter((answer) => answer.status === 429),
    counts,
  };
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
const defaultLimits = () => newOrganization({ rate_limits: { ...DEFAULT_RATE_LIMITS } });

describe('rate limits', () => {
  it('answers 429 with exactly the spec body, retry-after and rate-limit headers once the limit is used up', async () => {
    // Prepare: the organization has used up its 20 test-mode requests to listMembers in this
    // second and the next few (as if other Lambda instances had served them).
    const org = await defaultLimits();
    await call('GET', '/members', { key: org.testKey });
    const scope = { organizationId: org.organizationId, mode: 'test' as const };
    const now = Math.floor(Date.now() / 1000);
    for (let window = now; window < now + 5; window++) {
      await db().send(
        new PutCommand({
          TableName: process.env.OSMA_TABLE_NAME!,
          Item: { ...rateLimitKeys.counter(scope, 'listMembers', window), count: 20, expires_at: window + 60 },
        }),
      );
    }

    // Act
    const rejected = await call('GET', '/members', { key: org.testKey });
    const otherEndpoint = await call('GET', '/members/mem_28bnB4MCh2qygiyaHQ6jNGUbl10', { key: org.testKey });

    // Assess
    expect(rejected.status).toBe(429);
    expect(rejected.text).toBe('{"type":"rate_limit_error","message":"Rate limit exceeded","status_code":429}');
    expect(rejected.headers.get('content-type')).toBe('application/json');
    expect(rejected.headers.get('retry-after')).toBe('1');
    expect(rejected.headers.get('ratelimit-limit')).toBe('20');
    expect(rejected.headers.get('ratelimit-remaining')).toBe('0');
    expect(rejected.headers.get('ratelimit-reset')).toBe('1');
    expect(rejected.headers.get('request-id')).toBeTruthy();
    expect(rejected.headers.get('osma-api-version')).toBeTruthy();
    expect(otherEndpoint.status).toBe(404);
  });

  it('lets no more than 20 requests per second through a concurrent test-mode burst', async () => {
    // Prepare
    const org = await defaultLimits();

    // Act
    const { answers, ok, limited, counts } = await burst(org, 'test', 'listMembers', 60, () =>
      call('GET', '/members', { key: org.testKey }),
    );

    // Assess: the stored counts never pass the limit, and add up to the answers that got through.
    expect(ok.length + limited.length).toBe(answers.length);
    expect(Math.max(...counts)).toBeLessThanOrEqual(20);
    expect(sum(counts)).toBe(ok.length);
    expect(limited.length).toBeGreaterThan(0);
    expect(Math.max(...counts)).toBe(20);
    expect(limited[0]!.text).toBe('{"type":"rate_limit_error","message":"Rate limit exceeded","status_code":429}');
  });

  it('tells every answer the limit, what remains of it and when it resets', async () => {
    const org = await defaultLimits();

    const { ok, counts } = await burst(org, 'test', 'listMembers', 3, () => call('GET', '/members', { key: org.testKey }));

    const remaining = ok.map((answer) => Number(answer.headers.get('ratelimit-remaining'))).sort((a, b) => b - a);
    expect(ok.map((answer) => answer.headers.get('ratelimit-limit'))).toEqual(['20', '20', '20']);
    if (counts.length === 1) expect(remaining).toEqual([19, 18, 17]);
    expect(ok.every((answer) => answer.headers.get('ratelimit-reset') === '1')).toBe(true);
    expect(ok.every((answer) => answer.headers.get('retry-after') === null)).toBe(true);
  });

  it('allows 100 requests per second in live mode', async () => {
    const org = await defaultLimits();

    const live = await burst(org, 'live', 'listMembers', 60, () => call('GET', '/members', { key: org.liveKey }));

    expect(live.limited).toHaveLength(0);
    expect(sum(live.counts)).toBe(60);
    expect(live.ok.every((answer) => answer.headers.get('ratelimit-limit') === '100')).toBe(true);
  });

  it('counts each organization, endpoint and mode on its own', async () => {
    // Prepare
    const org = await defaultLimits();
    const other = await defaultLimits();
    await Promise.all([
      call('GET', '/members', { key: org.liveKey }),
      call('GET', '/members', { key: org.testKey }),
      call('GET', '/members', { key: other.testKey }),
    ]);

    // Act: in one moment, exhaust test-mode listMembers of one organization and call its other
    // endpoint, its live mode, and another organization.
    await startOfSecond();
    const [live, otherEndpoint, otherOrg, ...exhausting] = await Promise.all([
      call('GET', '/members', { key: org.liveKey }),
      call('GET', '/members/mem_28bnB4MCh2qygiyaHQ6jNGUbl10', { key: org.testKey }),
      call('GET', '/members', { key: other.testKey }),
      ...Array.from({ length: 50 }, () => call('GET', '/members', { key: org.testKey })),
    ]);

    // Assess
    expect(exhausting.filter((answer) => answer.status === 429).length).toBeGreaterThan(0);
    expect(live.status).toBe(200);
    expect(otherEndpoint.status).toBe(404);
    expect(otherOrg.status).toBe(200);
  });

  it('honours a per-organization limit raised above the default, a setting and not a code change', async () => {
    // Prepare: an organization with the defaults, whose limit support then raises (before its
    // key is first used, since API Gateway caches the authorizer's answer per key for 300 s).
    const raised = await defaultLimits();
    await updateOrganizationSettings(raised.organizationId, { rate_limits: { test: 60, live: 100 } });

    const { ok, limited } = await burst(raised, 'test', 'listMembers', 40, () => call('GET', '/members', { key: raised.testKey }));

    expect(limited).toHaveLength(0);
    expect(ok).toHaveLength(40);
    expect(ok.every((answer) => answer.headers.get('ratelimit-limit') === '60')).toBe(true);
  });

  it('limits writes too, and a 429 does no work', async () => {
    const org = await defaultLimits();
    let n = 0;

    const { ok, limited, counts } = await burst(org, 'test', 'createMember', 40, () =>
      call('POST', '/members', { key: org.testKey, body: { name: 'Burst', email: `burst-${Date.now()}-${n++}@osma.com` } }),
    );

    expect(limited.length).toBeGreaterThan(0);
    expect(Math.max(...counts)).toBe(20);
    expect(sum(counts)).toBe(ok.length);
    const list = await call('GET', '/members?limit=100', { key: org.testKey });
    // The burst's members, and the one its warm-up call made.
    expect(list.body.data).toHaveLength(ok.length + 1);
  });
});
