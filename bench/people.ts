import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { bareDb } from '#bench/scenarios';
import { benchLogin } from '#bench/scenarios/identity';
import { CapacityCapture, totals } from '#bench/support/capture';
import { apiContext, apiEvent, benchOrganization, benchStack, log, routeHandler, type BenchOrganization } from '#bench/support/environment';
import type { Row } from '#bench/support/report';
import type { Section } from '#bench/support/section';
import { mapLimit, median, now, percentile, round } from '#bench/support/stats';
import { jobRole } from '#local/people';
import type { RouteDefinition } from '#shared/http/route';
import { roleKeys } from '#shared/identity/roles/keys';
import { identityRoutes } from '#shared/identity/routes';
import { membershipKeys } from '#shared/identity/users/keys';
import { newMembershipItem } from '#shared/identity/users/membership';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';

/**
 * People at scale: one organization with `size` people (10,000 in full and quick runs), seeded
 * straight into DynamoDB Local as the membership functions write them (the user item, its email
 * lock, a role holder item), then the management API's list through its real handler: a page,
 * a page filtered by state (gsi1) and by role (the role's holders), a `text` search and an OS1
 * `query` (which read the organization's people and filter in memory), plus an invitation and
 * a lifecycle move. Each row: latency over `iterations` calls, and the DynamoDB calls, read
 * and write units and items of one call, modelled from the items as DynamoDB bills them.
 */
const STATES = ['active:available', 'active:available', 'active:available', 'deboarding:notice', 'inactive:deactivated', 'onboarding:invited'] as const;
const FIRST_NAMES = ['Ada', 'Ben', 'Chen', 'Dara', 'Eli', 'Fatima', 'Gus', 'Hana', 'Ivo', 'Jun'];

async function seedPeople(org: BenchOrganization, size: number, pharmacist: string): Promise<void> {
  const items = Array.from({ length: size }, (_, i) => {
    const job = i % 10 === 0;
    const user = newMembershipItem({
      organizationId: org.organizationId,
      email: `person.${i}@people.bench`,
      firstName: FIRST_NAMES[i % FIRST_NAMES.length]!,
      lastName: `Person${i}`,
      roleIds: job ? ['viewer', pharmacist] : ['viewer'],
      state: { state: STATES[i % STATES.length]!.split(':')[0] as never, subState: STATES[i % STATES.length]!.split(':')[1]! },
      registrationInvite: 'accepted',
      profile: { designation: job ? 'Pharmacist' : 'Courier', category: i % 3 === 0 ? 'adhoc' : 'regular' },
    });
    return [
      user,
      { ...membershipKeys.email(org.organizationId, user.email), entity: 'user_email', user_id: user.id },
      ...user.role_ids.map((roleId) => ({ ...roleKeys.holder(org.organizationId, roleId, user.id), entity: 'role_user', role_id: roleId, user_id: user.id, email: user.email })),
    ];
  }).flat();
  const batches: (typeof items)[] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await mapLimit(batches, 8, async (batch) => {
    let pending: Record<string, unknown>[] = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      const { UnprocessedItems } = await bareDb().send(new BatchWriteCommand({ RequestItems: { [tableName()]: pending as never } }));
      pending = (UnprocessedItems?.[tableName()] ?? []) as Record<string, unknown>[];
      if (attempt > 20) throw new Error('BatchWriteItem kept leaving items unprocessed');
    }
  });
}

interface Case {
  label: string;
  route: RouteDefinition;
  /** A fresh request for each call (a change needs its own subject each time). */
  request: () => Promise<{ pathParameters?: Record<string, string>; query?: Record<string, string>; body?: unknown }>;
  status: number;
}

export const people: Section = async ({ plan }) => {
  const stack = await benchStack();
  const { size, iterations } = plan.people;
  const org = await benchOrganization(`Bench: ${size} people`);
  const login = await benchLogin(org);
  const pharmacist = await jobRole(org.organizationId, 'Pharmacist');
  const started = now();
  log(`people: seeding ${size.toLocaleString('en-US')} people`);
  await seedPeople(org, size, pharmacist);
  const seedSeconds = round((now() - started) / 1000, 1);
  const list = identityRoutes.listOrganizationUsers;
  const query = JSON.stringify([{ term: { category: 'adhoc' } }, { prefix: { state: 'active:' } }, { match: { 'first-name': 'hana' } }]);
  let invitation = 0;
  const cases: Case[] = [
    { label: 'GET /v1/users/ a page of 100', route: list, request: async () => ({ query: { 'page[limit]': '100' } }), status: 200 },
    { label: 'GET /v1/users/ filter[state]=deboarding, 100', route: list, request: async () => ({ query: { 'filter[state]': 'deboarding', 'page[limit]': '100' } }), status: 200 },
    { label: 'GET /v1/users/ filter[role-id]=<job role>, 100', route: list, request: async () => ({ query: { 'filter[role-id]': pharmacist, 'page[limit]': '100' } }), status: 200 },
    { label: 'GET /v1/users/ text=<1 in 10 people>, 100', route: list, request: async () => ({ query: { text: 'hana', 'page[limit]': '100' } }), status: 200 },
    { label: 'GET /v1/users/ query (3 clauses), 100', route: list, request: async () => ({ query: { query, 'page[limit]': '100' } }), status: 200 },
    { label: 'GET /v1/users/ sort-by=last-name, 100', route: list, request: async () => ({ query: { 'sort-by': 'last-name', 'page[limit]': '100' } }), status: 200 },
  ];
  cases.push({
    label: 'POST /v1/registration-invitations/ (mail to the local outbox)',
    route: identityRoutes.createInvitation,
    request: async () => ({
      body: { data: { type: 'registration-invitations', attributes: { 'invited-email': `invited.${invitation++}.${Date.now()}@people.bench`, 'role-ids': ['viewer'] } } },
    }),
    status: 201,
  });
  const subjects: string[] = [];
  cases.push({
    label: 'POST /v1/users/{id}/state-transitions/ (active -> deboarding)',
    route: identityRoutes.transitionUserState,
    request: async () => {
      const subject = newMembershipItem({
        organizationId: org.organizationId,
        email: `mover.${subjects.length}.${Date.now()}@people.bench`,
        firstName: 'Mover',
        roleIds: ['viewer'],
        state: { state: 'active', subState: 'available' },
        registrationInvite: 'accepted',
      });
      subjects.push(subject.id);
      await seedOne(subject);
      return { pathParameters: { id: subject.id }, body: { 'to-state': 'deboarding', 'reason-code': 'R-104' } };
    },
    status: 201,
  });

  const headers = { authorization: `Bearer ${login.accessToken}` };
  const call = async (entry: Case) => {
    const request = await entry.request();
    const handler = await routeHandler(entry.route);
    const event = apiEvent(entry.route, org, { ...request, authorizer: login.authorizer, headers });
    const start = now();
    const response = await handler(event, apiContext(entry.route));
    const elapsed = now() - start;
    if (response.statusCode !== entry.status) throw new Error(`${entry.label} answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
    return elapsed;
  };
  const rows: Row[] = [];
  const raw: Record<string, unknown> = { seedSeconds, size };
  for (const entry of cases) {
    for (let i = 0; i < 2; i++) await call(entry);
    const times: number[] = [];
    for (let i = 0; i < iterations; i++) times.push(await call(entry));
    const capture = new CapacityCapture(stack.dynamoDbEndpoint);
    const uninstall = capture.install(db());
    let units: ReturnType<typeof totals>;
    try {
      units = totals((await capture.measure(() => call(entry))).calls);
    } finally {
      uninstall();
      capture.destroy();
    }
    raw[entry.label] = { p50Ms: round(median(times), 2), p90Ms: round(percentile(times, 90), 2), ...units };
    rows.push({
      label: entry.label,
      values: { p50: round(median(times), 1), p90: round(percentile(times, 90), 1), calls: units.calls, read: units.read, write: units.write, itemsRead: units.itemsRead },
      verdict: 'INFO',
    });
  }
  return {
    title: `People: the management API's user list at ${size.toLocaleString('en-US')} people, an invitation and a lifecycle move`,
    baseline: 'none: absolute figures, through the real handlers in this process against DynamoDB Local.',
    budget: 'none stated by the issue; docs/people.md says what each kind of list reads and up to what size a read of everyone is fine.',
    columns: [
      { key: 'p50', label: 'p50 ms', format: 'ms' },
      { key: 'p90', label: 'p90 ms', format: 'ms' },
      { key: 'calls', label: 'DynamoDB calls', format: 'int' },
      { key: 'read', label: 'RCU', format: 'num' },
      { key: 'write', label: 'WCU', format: 'num' },
      { key: 'itemsRead', label: 'items read', format: 'int' },
    ],
    rows,
    notes: [
      `${iterations} timed calls per row after 2 untimed ones; units are of one call, modelled from the items read and written.`,
      `Seeding ${size.toLocaleString('en-US')} people took ${seedSeconds} s (BatchWriteItem straight into DynamoDB Local).`,
      'A page, a state filter and a role filter come from indexes; text, query and a sort by name read everyone and filter in memory (one Query per MB).',
    ],
    raw,
  };
};

async function seedOne(item: object): Promise<void> {
  await bareDb().send(new BatchWriteCommand({ RequestItems: { [tableName()]: [{ PutRequest: { Item: item } }] } }));
}
