import { BatchGetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { db } from '#shared/platform/db';
import { rateLimitKeys } from '#shared/http/middleware/keys';
import { updateOrganizationSettings } from '#shared/identity/organizations/organization';
import { DEFAULT_RATE_LIMITS } from '#shared/identity/organizations/schemas';
import type { Mode } from '#shared/platform/table';
import { call, newOrganization, type ApiResponse } from '#test/support/api';

/**
 * The limiter counts per wall-clock second, at the moment a request reaches it. How many
 * requests of a concurrent burst reach it within one second depends on how busy the machine
 * is, so burst tests judge by what the counters prove, whatever the timing: no second ever
 * let more than the limit through, the counters add up to the answers that got through, and
 * when more requests arrived than the limit times the seconds they touched, some were refused.
 * Tests that need a refusal for sure start from counters already at the limit, as other Lambda
 * instances would have left them.
 */
const table = () => process.env.OSMA_TABLE_NAME!;

async function startOfSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
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
  await startOfSecond();
  const started = Math.floor(Date.now() / 1000);
  const answers = await Promise.all(Array.from({ length: count }, request));
  const ended = Math.floor(Date.now() / 1000);
  const scope = { organizationId: org.organizationId, mode };
  const keys = Array.from({ length: ended - started + 1 }, (_, i) => rateLimitKeys.counter(scope, operationId, started + i));
  const { Responses } = await db().send(new BatchGetCommand({ RequestItems: { [table()]: { Keys: keys } } }));
  return {
    answers,
    ok: answers.filter((answer) => answer.status !== 429),
    limited: answers.filter((answer) => answer.status === 429),
    counts: (Responses?.[table()] ?? []).map((item) => Number(item.count)),
  };
}

/** What a burst must show against a limit, however the machine spread it over seconds. */
function expectLimitHeld({ answers, ok, limited, counts }: Burst, limit: number): void {
  expect(Math.max(...counts)).toBeLessThanOrEqual(limit);
  expect(sum(counts)).toBe(ok.length);
  expect(ok.length + limited.length).toBe(answers.length);
  // More arrivals than the limit times the seconds that saw any: some second was over the limit.
  if (answers.length > limit * counts.length) {
    expect(limited.length).toBeGreaterThan(0);
    expect(Math.max(...counts)).toBe(limit);
  }
}

/** Counters at the limit for the next seconds, as other Lambda instances would leave them. */
async function useUpLimit(org: { organizationId: string }, mode: Mode, operationId: string, limit: number): Promise<void> {
  const scope = { organizationId: org.organizationId, mode };
  const now = Math.floor(Date.now() / 1000);
  for (let window = now; window < now + 20; window++) {
    await db().send(
      new PutCommand({ TableName: table(), Item: { ...rateLimitKeys.counter(scope, operationId, window), count: limit, expires_at: window + 60 } }),
    );
  }
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
const defaultLimits = () => newOrganization({ rate_limits: { ...DEFAULT_RATE_LIMITS } });
const RATE_LIMIT_BODY = '{"type":"rate_limit_error","message":"Rate limit exceeded","status_code":429}';

describe('rate limits', () => {
  it('answers 429 with exactly the spec body, retry-after and rate-limit headers once the limit is used up', async () => {
    // Prepare: the organization has used up its 20 test-mode requests to listMembers.
    const org = await defaultLimits();
    await useUpLimit(org, 'test', 'listMembers', 20);

    // Act
    const rejected = await call('GET', '/members', { key: org.testKey });

    // Assess
    expect(rejected.status).toBe(429);
    expect(rejected.text).toBe(RATE_LIMIT_BODY);
    expect(rejected.headers.get('content-type')).toBe('application/json');
    expect(rejected.headers.get('retry-after')).toBe('1');
    expect(rejected.headers.get('ratelimit-limit')).toBe('20');
    expect(rejected.headers.get('ratelimit-remaining')).toBe('0');
    expect(rejected.headers.get('ratelimit-reset')).toBe('1');
    expect(rejected.headers.get('request-id')).toBeTruthy();
    expect(rejected.headers.get('osma-api-version')).toBeTruthy();
  });

  it('counts each organization, endpoint and mode on its own', async () => {
    // Prepare: one organization has used up test-mode listMembers.
    const org = await defaultLimits();
    const other = await defaultLimits();
    await useUpLimit(org, 'test', 'listMembers', 20);

    // Act
    const [limited, live, otherEndpoint, otherOrg] = await Promise.all([
      call('GET', '/members', { key: org.testKey }),
      call('GET', '/members', { key: org.liveKey }),
      call('GET', '/members/mem_28bnB4MCh2qygiyaHQ6jNGUbl10', { key: org.testKey }),
      call('GET', '/members', { key: other.testKey }),
    ]);

    // Assess
    expect(limited.status).toBe(429);
    expect(live.status).toBe(200);
    expect(otherEndpoint.status).toBe(404);
    expect(otherOrg.status).toBe(200);
  });

  it('lets no more than 20 requests per second through a concurrent test-mode burst', async () => {
    const org = await defaultLimits();

    const result = await burst(org, 'test', 'listMembers', 60, () => call('GET', '/members', { key: org.testKey }));

    expectLimitHeld(result, 20);
    for (const answer of result.limited) expect(answer.text).toBe(RATE_LIMIT_BODY);
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

  it('honours a per-organization limit raised above the default, a setting and not a code change', async () => {
    // Prepare: an organization with the defaults, whose limit support then raises (before its
    // key is first used, since API Gateway caches the authorizer's answer per key for 300 s).
    const raised = await defaultLimits();
    await updateOrganizationSettings(raised.organizationId, { rate_limits: { test: 60, live: 100 } });

    const result = await burst(raised, 'test', 'listMembers', 40, () => call('GET', '/members', { key: raised.testKey }));

    expect(result.limited).toHaveLength(0);
    expect(result.ok).toHaveLength(40);
    expect(result.ok.every((answer) => answer.headers.get('ratelimit-limit') === '60')).toBe(true);
    expectLimitHeld(result, 60);
  });

  it('limits writes too, and a 429 does no work', async () => {
    const org = await defaultLimits();
    let n = 0;

    const result = await burst(org, 'test', 'createMember', 40, () =>
      call('POST', '/members', { key: org.testKey, body: { name: 'Burst', email: `burst-${Date.now()}-${n++}@osma.com` } }),
    );

    expectLimitHeld(result, 20);
    const list = await call('GET', '/members?limit=100', { key: org.testKey });
    // The members of the requests that got through, and the one the warm-up call made.
    expect(list.body.data).toHaveLength(result.ok.length + 1);
  });
});
