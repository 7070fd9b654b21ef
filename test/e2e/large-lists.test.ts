import { beforeAll, describe, expect, it } from 'vitest';
import { answerBytes, MAX_PAGE_BYTES } from '#shared/platform/pagination';
import { call, newOrganization, type ApiResponse } from '#test/support/api';

/**
 * Lists of objects that are large but within every documented limit. A DynamoDB Query reads
 * at most 1 MB, so a page of such objects takes several Queries; and a page of 100 of them
 * can weigh more than a Lambda may answer (6 MB), so a page stops at MAX_PAGE_BYTES.
 *
 * '€' is one character of the 500 a metadata value may hold and three bytes of UTF-8, so a
 * member with full metadata stores about 75 KB: 14 fill DynamoDB's 1 MB page.
 */
const WIDE = '€';
const MEGABYTE = 1024 * 1024;
const LAMBDA_ANSWER_LIMIT = 6 * MEGABYTE;

const fullMetadata = () => Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`key_${i}`, WIDE.repeat(500)]));
/** 10 values of 2,000 characters: 20 KB of JSON as the task schemas count it, 60 KB stored. */
const largeParameters = () => Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`field_${i}`, WIDE.repeat(2_000)]));

const MEMBERS = 30;
const TEMPLATES = 70;
const TASKS = 45;
const ENDPOINTS = 20;

let org: Awaited<ReturnType<typeof newOrganization>>;
/** The ids of each list, newest first, as the list orders them (ids sort by creation time). */
const ids = { members: [] as string[], templates: [] as string[], tasks: [] as string[], endpoints: [] as string[] };
let memberId: string;

const get = (path: string) => call('GET', path, { key: org.testKey });
const post = async (path: string, body: unknown) => {
  const response = await call('POST', path, { key: org.testKey, body });
  expect(response.status, response.text.slice(0, 500)).toBe(201);
  return response.body as { id: string };
};
const newestFirst = (list: string[]) => [...list].sort().reverse();
/** What an answer weighs as Lambda carries it: the body, escaped once more as a JSON string. */
const responseBytes = (response: ApiResponse) => Buffer.byteLength(JSON.stringify(response.text));
const storedBytes = (objects: unknown[]) => objects.reduce<number>((sum, o) => sum + Buffer.byteLength(JSON.stringify(o)), 0);

/** Writes through the API, a few at a time, so that a batch does not queue behind itself. */
async function inBatches<T>(count: number, make: (index: number) => Promise<T>, batch = 5): Promise<T[]> {
  const made: T[] = [];
  for (let start = 0; start < count; start += batch) {
    made.push(...(await Promise.all(Array.from({ length: Math.min(batch, count - start) }, (_, i) => make(start + i)))));
  }
  return made;
}

beforeAll(async () => {
  org = await newOrganization();
  const members = await inBatches(MEMBERS, (i) =>
    post('/members', { name: `Large ${i}`, email: `large-${i}@osma.test`, metadata: fullMetadata() }),
  );
  ids.members = newestFirst(members.map((m) => m.id));
  memberId = ids.members[0]!;
  const templates = await inBatches(TEMPLATES, (i) =>
    post('/task_templates', {
      reference: `large_${i}`,
      name: `Large ${i}`,
      parameters: { type: 'object', description: WIDE.repeat(6_500) },
    }),
  );
  ids.templates = newestFirst(templates.map((t) => t.id));
  const tasks = await inBatches(TASKS, () =>
    post('/tasks', {
      template: 'large_0',
      member: memberId,
      assigned_to: org.users.active.id,
      parameters: largeParameters(),
      metadata: fullMetadata(),
    }),
  );
  ids.tasks = newestFirst(tasks.map((t) => t.id));
  // Listening to an event that nothing here makes: no deliveries to a closed port.
  const endpoints = await inBatches(ENDPOINTS, (i) =>
    post('/webhook_endpoints', { url: `http://127.0.0.1:9/large-${i}`, events: ['tasks.deleted'], metadata: fullMetadata() }),
  );
  ids.endpoints = newestFirst(endpoints.map((e) => e.id));

  // The premise: each list is several of DynamoDB's 1 MB pages, and the tasks (and their
  // events) are more than a page of 100 may weigh.
  expect(storedBytes(members)).toBeGreaterThan(2 * MEGABYTE);
  expect(storedBytes(templates)).toBeGreaterThan(MEGABYTE);
  expect(storedBytes(tasks)).toBeGreaterThan(MAX_PAGE_BYTES);
  expect(storedBytes(endpoints)).toBeGreaterThan(MEGABYTE);
}, 120_000);

interface Walk {
  pages: ApiResponse[];
  /** Every id the pages held, in the list's order (newest first). */
  ids: string[];
}

/**
 * Pages through a list as a client does: on while has_next, with the last id of a page as
 * `starting_after`, or backwards with the first id as `ending_before`.
 */
async function walk(path: string, query: Record<string, string>, direction: 'forwards' | 'backwards' = 'forwards'): Promise<Walk> {
  const pages: ApiResponse[] = [];
  let cursor = direction === 'forwards' ? query.starting_after : query.ending_before;
  for (;;) {
    const params = new URLSearchParams(query);
    if (cursor !== undefined) params.set(direction === 'forwards' ? 'starting_after' : 'ending_before', cursor);
    const page = await get(`${path}?${params}`);
    expect(page.status, page.text.slice(0, 500)).toBe(200);
    expect(responseBytes(page)).toBeLessThanOrEqual(MAX_PAGE_BYTES);
    pages.push(page);
    const data = page.body.data as { id: string }[];
    if (!page.body.has_next) break;
    expect(data.length, 'a page that says more follow holds at least one object').toBeGreaterThan(0);
    cursor = direction === 'forwards' ? data[data.length - 1]!.id : data[0]!.id;
    expect(pages.length).toBeLessThan(100);
  }
  const ordered = direction === 'forwards' ? pages : [...pages].reverse();
  return { pages, ids: ordered.flatMap((page) => (page.body.data as { id: string }[]).map((o) => o.id)) };
}

/**
 * A list is complete: every page holds `limit` objects while that many remain past its cursor
 * and says has_next exactly when more remain, forwards from the start and backwards from the
 * oldest object.
 */
async function expectComplete(path: string, expected: string[], limit: number, filters: Record<string, string> = {}) {
  const forwards = await walk(path, { ...filters, limit: String(limit) });
  expect(forwards.ids).toEqual(expected);
  expect(forwards.pages.map((page) => page.body.data.length)).toEqual(pageSizes(expected.length, limit));

  const oldest = expected[expected.length - 1]!;
  const backwards = await walk(path, { ...filters, limit: String(limit), ending_before: oldest }, 'backwards');
  expect(backwards.ids).toEqual(expected.slice(0, -1));
  expect(backwards.pages.map((page) => page.body.data.length)).toEqual(pageSizes(expected.length - 1, limit));
}

function pageSizes(total: number, limit: number): number[] {
  const sizes = Array.from({ length: Math.floor(total / limit) }, () => limit);
  return total % limit ? [...sizes, total % limit] : sizes;
}

describe('lists of large objects are complete', () => {
  it('members: GET /members?limit=100 holds all of them, and every page is full', async () => {
    const all = await get('/members?limit=100');
    expect(all.body.data.map((m: { id: string }) => m.id)).toEqual(ids.members);
    expect(all.body.has_next).toBe(false);

    await expectComplete('/members', ids.members, 12);
  });

  it('task templates', async () => {
    const all = await get('/task_templates?limit=100');
    expect(all.body.data.map((t: { id: string }) => t.id)).toEqual(ids.templates);
    expect(all.body.has_next).toBe(false);

    await expectComplete('/task_templates', ids.templates, 25);
  });

  it('tasks, unfiltered and under every filter', async () => {
    await expectComplete('/tasks', ids.tasks, 20);
    // Each filter reads another index, or filters what it reads: the first page is full.
    const filters: Record<string, string>[] = [
      { status: 'ready' },
      { member: memberId },
      { member: memberId, status: 'ready' },
      { assigned_to: org.users.active.id, member: memberId },
    ];
    for (const filter of filters) {
      const page = await get(`/tasks?${new URLSearchParams({ ...filter, limit: '20' })}`);
      expect(page.body.data.map((t: { id: string }) => t.id)).toEqual(ids.tasks.slice(0, 20));
      expect(page.body.has_next).toBe(true);
    }
  });

  it('events', async () => {
    await expectComplete('/events', await eventIds(), 20);
  });

  it('webhook endpoints', async () => {
    const all = await get('/webhook_endpoints?limit=100');
    expect(all.body.data.map((e: { id: string }) => e.id)).toEqual(ids.endpoints);
    expect(all.body.has_next).toBe(false);

    await expectComplete('/webhook_endpoints', ids.endpoints, 8);
  });
});

/** The ids of the events, newest first: one tasks.created per task. */
async function eventIds(): Promise<string[]> {
  const { ids: found, pages } = await walk('/events', { limit: '100' });
  const events = pages.flatMap((page) => page.body.data as { event: string; data: { id: string } }[]);
  expect(new Set(events.map((e) => e.event))).toEqual(new Set(['tasks.created']));
  expect(events.map((e) => e.data.id).sort()).toEqual([...ids.tasks].sort());
  return found;
}

describe('an answer weighs at most MAX_PAGE_BYTES', () => {
  it('leaves room under the Lambda answer limit', () => {
    expect(MAX_PAGE_BYTES).toBeLessThan(LAMBDA_ANSWER_LIMIT - 256 * 1024);
  });

  for (const path of ['/tasks', '/events']) {
    it(`${path}: a page of 100 that would be too heavy stops early, says has_next, and paging on yields everything once`, async () => {
      const forwards = await walk(path, { limit: '100' });
      const [first] = forwards.pages;
      expect(first!.body.has_next).toBe(true);
      expect(first!.body.data.length).toBeLessThan(TASKS);
      expect(forwards.pages.length).toBeGreaterThan(1);
      expect(forwards.ids).toHaveLength(new Set(forwards.ids).size);
      expect(forwards.ids).toHaveLength(TASKS);
      // A page holds fewer than its limit only because the next object would not fit.
      forwards.pages.slice(0, -1).forEach((page, i) => {
        const next = forwards.pages[i + 1]!.body.data[0];
        const weight = (page.body.data as unknown[]).reduce<number>((sum, o) => sum + answerBytes(o), 0);
        expect(weight + answerBytes(next)).toBeGreaterThan(MAX_PAGE_BYTES);
      });

      const oldest = forwards.ids[forwards.ids.length - 1]!;
      const backwards = await walk(path, { limit: '100', ending_before: oldest }, 'backwards');
      expect(backwards.pages[0]!.body.has_next).toBe(true);
      expect(backwards.ids).toEqual(forwards.ids.slice(0, -1));
    });
  }
});
