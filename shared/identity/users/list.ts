import { BatchGetCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { isBuiltInRole, roleKeys } from '#shared/identity/roles/keys';
import { membershipKeys } from '#shared/identity/users/keys';
import { rolesById, type MembershipItem, type RoleSummary } from '#shared/identity/users/membership';
import { matchesUserQuery, parseUserQuery, type UserQuery } from '#shared/identity/users/query';
import { userResource } from '#shared/identity/users/resource';
import { queryParamError, type ListUsersQuery, type SortKey, type StateFilter } from '#shared/identity/users/schemas';
import { normalizeEmail } from '#shared/identity/logins/keys';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';
import { answerBytes, MAX_PAGE_BYTES } from '#shared/platform/pagination';

/**
 * `GET /v1/users/`: an organization's people, filtered, sorted and paged (docs/people.md, "Listing
 * people", says what each form reads).
 *
 * Candidates come from the narrowest source the filters allow, never a Scan: `filter[email]`
 * the email's lock item, `filter[role-id]` the role's holders partition, `filter[state]` the
 * by-state index, else the organization's user partition. Each source reads in id order from
 * any id on, so a page in id order reads only up to its last user (and one more, to know
 * whether another page follows); whatever the source cannot decide (a second filter, `text`,
 * `query`) is checked on what it reads. A sort by name or email reads every candidate.
 */

type Item = Record<string, unknown>;

/** Where candidates come from, and what is left to check on each. */
interface Plan {
  organizationId: string;
  source: { kind: 'email'; email: string } | { kind: 'role'; roleId: string } | { kind: 'state'; filter: StateFilter } | { kind: 'organization' };
  /** Checks the source does not make, on an item holding at least `fields`. */
  checks: ((item: Item) => boolean)[];
  /** The stored attributes the checks read; undefined: the whole item (a `query`). */
  fields: Set<string> | undefined;
  /** Every role of the organization, read first when a `query` (which may name roles) runs on each user. */
  roles?: ReadonlyMap<string, RoleSummary>;
}

/** How a page of users is read: `Query`/`BatchGetItem`/`GetItem` calls and items, for the docs' measurements. */
export interface ReadCounts {
  calls: number;
  items: number;
}

export interface ListedUsers {
  data: { type: string; id: string; attributes: Record<string, unknown> }[];
  meta: { page: { limit: number; offset: number; total?: number } };
  links: { next?: string };
}

/** BatchGetItems sent at once when a role's holders are read. */
const PARALLEL_BATCHES = 4;
/** Past this, a Query asks for no number of items: DynamoDB's 1 MB page decides. */
const MAX_QUERY_LIMIT = 2_000;

const SORT_FIELDS: Record<Exclude<SortKey, 'id'>, string> = { email: 'email', 'first-name': 'first_name', 'last-name': 'last_name' };
const TEXT_FIELDS = ['email', 'first_name', 'middle_name', 'last_name', 'full_name'];

export async function listUsers(principal: { organizationId: string }, query: ListUsersQuery, counts: ReadCounts = { calls: 0, items: 0 }): Promise<ListedUsers> {
  const sortBy = query['sort-by'] ?? '-id';
  const descending = sortBy.startsWith('-');
  const sortKey = (descending ? sortBy.slice(1) : sortBy) as SortKey;
  const after = query['page[after]'];
  if (after !== undefined && sortKey !== 'id') throw queryParamError('page[after]', 'page[after] pages in id order only: with sort-by by name or email, use page[offset]');
  if (after !== undefined && query['page[offset]'] > 0) throw queryParamError('page[after]', 'page[after] and page[offset] cannot be combined');
  const userQuery = query.query === undefined ? undefined : parseUserQuery(query.query);
  const roles = userQuery && (await allRoles(principal.organizationId, counts));
  const plan = planOf(principal.organizationId, query, userQuery, roles);
  const reader = new Reader(plan, descending, counts);
  const limit = query['page[limit]'];
  const offset = query['page[offset]'];

  if (sortKey === 'id') {
    const start = offset > 0 ? await reader.skip(offset, after) : { after, ended: false };
    const { users, more } = start.ended ? { users: [], more: false } : await reader.take(limit, start.after);
    const page = await answerPage(plan, users, query);
    const hasNext = more || page.length < users.length;
    const last = page.at(-1);
    return {
      data: page,
      meta: { page: { limit, offset } },
      links: hasNext && last ? { next: nextLink(query, { 'page[after]': last.id }) } : {},
    };
  }

  const candidates = await reader.all();
  const field = SORT_FIELDS[sortKey];
  const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
  const direction = descending ? -1 : 1;
  candidates.sort((a, b) => direction * (collator.compare(String(a[field] ?? ''), String(b[field] ?? '')) || compareIds(a.sk, b.sk)));
  const slice = candidates.slice(offset, offset + limit);
  const users = plan.fields ? await reader.fullItems(slice.map((item) => String(item.sk))) : (slice as unknown as MembershipItem[]);
  const page = await answerPage(plan, users, query);
  const shown = offset + page.length;
  return {
    data: page,
    meta: { page: { limit, offset, total: candidates.length } },
    links: shown < candidates.length ? { next: nextLink(query, { 'page[offset]': String(shown) }) } : {},
  };
}

function compareIds(a: unknown, b: unknown): number {
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** The narrowest source, and the checks left over. */
function planOf(organizationId: string, query: ListUsersQuery, userQuery: UserQuery | undefined, roles: ReadonlyMap<string, RoleSummary> | undefined): Plan {
  const email = query['filter[email]'];
  const roleId = query['filter[role-id]'];
  const state = query['filter[state]'];
  const checks: Plan['checks'] = [];
  const fields = new Set<string>(['sk']);
  const source: Plan['source'] =
    email !== undefined
      ? { kind: 'email', email: normalizeEmail(email) }
      : roleId !== undefined
        ? { kind: 'role', roleId }
        : state !== undefined
          ? { kind: 'state', filter: state }
          : { kind: 'organization' };
  if (state !== undefined && source.kind !== 'state') {
    checks.push((item) => inState(String(item.state ?? ''), state));
    fields.add('state');
  }
  if (roleId !== undefined && source.kind !== 'role') {
    checks.push((item) => Array.isArray(item.role_ids) && item.role_ids.includes(roleId));
    fields.add('role_ids');
  }
  if (query.text !== undefined) {
    const needle = query.text.toLowerCase();
    checks.push((item) => TEXT_FIELDS.some((name) => typeof item[name] === 'string' && (item[name] as string).toLowerCase().includes(needle)));
    for (const name of TEXT_FIELDS) fields.add(name);
  }
  const sortBy = query['sort-by'];
  if (sortBy !== undefined) {
    const key = sortBy.replace(/^-/, '') as SortKey;
    if (key !== 'id') fields.add(SORT_FIELDS[key]);
  }
  if (userQuery && roles) {
    // A query may read any attribute, roles included: it runs on the resource.
    checks.push((item) => matchesUserQuery(userQuery, userResource(item as unknown as MembershipItem, roles)));
    return { organizationId, source, checks, fields: undefined, roles };
  }
  return { organizationId, source, checks, fields };
}

function inState(state: string, filter: StateFilter): boolean {
  return filter.subState === undefined ? state.startsWith(`${filter.state}:`) : state === `${filter.state}:${filter.subState}`;
}

/** Reads candidates from a plan's source in id order, counting what it reads. */
class Reader {
  constructor(
    private readonly plan: Plan,
    private readonly descending: boolean,
    private readonly counts: ReadCounts,
  ) {}

  private get matches() {
    return (item: Item) => this.plan.checks.every((check) => check(item));
  }

  /** Skips `offset` matching users after `after`, reading as little of each as the checks need. */
  async skip(offset: number, after: string | undefined): Promise<{ after: string | undefined; ended: boolean }> {
    let skipped = 0;
    let last = after;
    for await (const item of this.items(after, this.plan.fields, offset)) {
      if (!this.matches(item)) continue;
      last = String(item.sk);
      if (++skipped === offset) return { after: last, ended: false };
    }
    return { after: last, ended: true };
  }

  /** Up to `limit` matching whole users after `after`, and whether another follows. */
  async take(limit: number, after: string | undefined): Promise<{ users: MembershipItem[]; more: boolean }> {
    const users: MembershipItem[] = [];
    for await (const item of this.items(after, undefined, limit + 1)) {
      if (!this.matches(item)) continue;
      if (users.length === limit) return { users, more: true };
      users.push(item as unknown as MembershipItem);
    }
    return { users, more: false };
  }

  /** Every matching candidate, with the fields the checks and the sort read. */
  async all(): Promise<Item[]> {
    const found: Item[] = [];
    for await (const item of this.items(undefined, this.plan.fields, undefined)) if (this.matches(item)) found.push(item);
    return found;
  }

  /** Whole users by id, in that order. */
  async fullItems(ids: string[]): Promise<MembershipItem[]> {
    return (await this.usersInOrder(ids, undefined)) as unknown as MembershipItem[];
  }

  /** Users by id, in that order, missing ones left out: BatchGetItems of 100, a few at a time. */
  private async usersInOrder(ids: string[], fields: Set<string> | undefined): Promise<Item[]> {
    const byId = new Map<string, Item>();
    for (let i = 0; i < ids.length; i += 100 * PARALLEL_BATCHES) {
      const chunks = Array.from({ length: PARALLEL_BATCHES }, (_, n) => ids.slice(i + n * 100, i + (n + 1) * 100)).filter((chunk) => chunk.length);
      for (const items of await Promise.all(chunks.map((chunk) => this.batchGetUsers(chunk, fields)))) {
        for (const item of items) byId.set(String(item.sk), item);
      }
    }
    return ids.flatMap((id) => {
      const item = byId.get(id);
      return item ? [item] : [];
    });
  }

  /**
   * The source's items in id order after `after`, with only `fields` (every attribute when
   * undefined). `batch` is what the first read asks for; later reads ask for more.
   */
  private async *items(after: string | undefined, fields: Set<string> | undefined, batch: number | undefined): AsyncGenerator<Item> {
    const { source, organizationId } = this.plan;
    if (source.kind === 'email') {
      const user = await this.userByEmail(source.email, fields);
      if (user && (after === undefined || (this.descending ? String(user.sk) < after : String(user.sk) > after))) yield user;
      return;
    }
    if (source.kind === 'role') {
      const keysOnly = fields !== undefined && [...fields].every((name) => name === 'sk');
      for await (const ids of this.pages(roleKeys.holdersPk(organizationId, source.roleId), undefined, after, new Set(['sk']), batch, keysOnly ? undefined : 100 * PARALLEL_BATCHES)) {
        if (keysOnly) yield* ids;
        else yield* await this.usersInOrder(ids.map((id) => String(id.sk)), fields);
      }
      return;
    }
    if (source.kind === 'state') {
      const { state, subState } = source.filter;
      const filter = subState === undefined ? undefined : `${state}:${subState}`;
      for await (const items of this.pages(membershipKeys.byState(organizationId, state), 'gsi1', after, fields, batch, undefined, filter)) yield* items;
      return;
    }
    for await (const items of this.pages(membershipKeys.usersPk(organizationId), undefined, after, fields, batch, undefined)) yield* items;
  }

  /**
   * Query pages of one partition (of the table, or of gsi1) in id order: the first asks for
   * `batch` items, each next one for four times more, up to `most` (else DynamoDB's 1 MB).
   */
  private async *pages(
    partition: string,
    index: 'gsi1' | undefined,
    after: string | undefined,
    fields: Set<string> | undefined,
    batch: number | undefined,
    most: number | undefined,
    state?: string,
  ): AsyncGenerator<Item[]> {
    const pk = index ? 'gsi1pk' : 'pk';
    const sk = index ? 'gsi1sk' : 'sk';
    const names: Record<string, string> = { '#pk': pk, ...(after !== undefined && { '#sk': sk }), ...(state !== undefined && { '#state': 'state' }) };
    const projection = fields && projectionOf(fields, names);
    let startKey: Item | undefined;
    let limit: number | undefined = batch === undefined ? most : Math.max(1, Math.min(batch, most ?? batch));
    do {
      const result = await db().send(
        new QueryCommand({
          TableName: tableName(),
          IndexName: index,
          KeyConditionExpression: after === undefined ? '#pk = :pk' : `#pk = :pk AND #sk ${this.descending ? '<' : '>'} :after`,
          ...(state !== undefined && { FilterExpression: '#state = :state' }),
          ...(projection && { ProjectionExpression: projection }),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':pk': partition, ...(after !== undefined && { ':after': after }), ...(state !== undefined && { ':state': state }) },
          ScanIndexForward: !this.descending,
          Limit: limit,
          ExclusiveStartKey: startKey,
        }),
      );
      this.counts.calls++;
      this.counts.items += result.ScannedCount ?? result.Items?.length ?? 0;
      startKey = result.LastEvaluatedKey;
      limit = limit === undefined || limit * 4 > (most ?? MAX_QUERY_LIMIT) ? most : limit * 4;
      if (result.Items?.length) yield result.Items;
    } while (startKey);
  }

  private async userByEmail(email: string, fields: Set<string> | undefined): Promise<Item | undefined> {
    const { organizationId } = this.plan;
    const lock = await db().send(new GetCommand({ TableName: tableName(), Key: membershipKeys.email(organizationId, email) }));
    this.counts.calls++;
    const userId = lock.Item?.user_id;
    if (typeof userId !== 'string') return undefined;
    this.counts.items++;
    const [user] = await this.batchGetUsers([userId], fields);
    return user;
  }

  /** Users by id (at most 100), in no particular order; missing ones left out. */
  private async batchGetUsers(ids: string[], fields: Set<string> | undefined): Promise<Item[]> {
    if (!ids.length) return [];
    const names: Record<string, string> = {};
    const projection = fields && projectionOf(fields, names);
    const found: Item[] = [];
    let keys: Item[] = ids.map((id) => membershipKeys.user(this.plan.organizationId, id));
    for (let attempt = 0; keys.length; attempt++) {
      if (attempt > 6) throw new Error('BatchGetItem left keys unprocessed');
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
      const result = await db().send(
        new BatchGetCommand({
          RequestItems: { [tableName()]: { Keys: keys, ...(projection && { ProjectionExpression: projection, ExpressionAttributeNames: names }) } },
        }),
      );
      this.counts.calls++;
      const items = result.Responses?.[tableName()] ?? [];
      this.counts.items += items.length;
      found.push(...items);
      keys = result.UnprocessedKeys?.[tableName()]?.Keys ?? [];
    }
    return found;
  }
}

/** A ProjectionExpression of these attributes, their names put in `names` (any may be a reserved word). */
function projectionOf(fields: Set<string>, names: Record<string, string>): string {
  return [...fields]
    .map((field, index) => {
      names[`#f${index}`] = field;
      return `#f${index}`;
    })
    .join(', ');
}

/** Every custom role of the organization (one small partition), for a `query` that reads roles. */
async function allRoles(organizationId: string, counts: ReadCounts): Promise<Map<string, RoleSummary>> {
  const ids: string[] = [];
  let startKey: Item | undefined;
  do {
    const result = await db().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': roleKeys.pk(organizationId) },
        ProjectionExpression: 'sk',
        ExclusiveStartKey: startKey,
      }),
    );
    counts.calls++;
    ids.push(...(result.Items ?? []).map((item) => String(item.sk)));
    startKey = result.LastEvaluatedKey;
  } while (startKey);
  return rolesInChunks(organizationId, ids);
}

/** rolesById, 100 custom roles per read (a BatchGetItem's most). */
async function rolesInChunks(organizationId: string, roleIds: string[]): Promise<Map<string, RoleSummary>> {
  const custom = [...new Set(roleIds.filter((id) => !isBuiltInRole(id)))];
  const roles = await rolesById(organizationId, ['owner', 'admin', 'developer', 'viewer']);
  for (let i = 0; i < custom.length; i += 100) for (const [id, role] of await rolesById(organizationId, custom.slice(i, i + 100))) roles.set(id, role);
  return roles;
}

/** The page's resources, `select` applied, cut before the answer would outweigh MAX_PAGE_BYTES. */
async function answerPage(plan: Plan, users: MembershipItem[], query: ListUsersQuery) {
  const roles = plan.roles ?? await rolesInChunks(plan.organizationId, users.flatMap((user) => user.role_ids ?? []));
  const select = query.select;
  const page: ListedUsers['data'] = [];
  let bytes = 0;
  for (const user of users) {
    const resource = userResource(user, roles);
    const attributes = select ? Object.fromEntries(Object.entries(resource.attributes).filter(([name]) => select.includes(name))) : resource.attributes;
    const shown = { ...resource, attributes };
    const weight = answerBytes(shown);
    if (page.length > 0 && bytes + weight > MAX_PAGE_BYTES) break;
    page.push(shown);
    bytes += weight;
  }
  return page;
}

/** `links.next`: the same list, the next page. */
function nextLink(query: ListUsersQuery, page: Record<string, string>): string {
  const params = new URLSearchParams();
  const state = query['filter[state]'];
  if (state) params.set('filter[state]', state.subState === undefined ? state.state : `${state.state}:${state.subState}`);
  if (query['filter[role-id]'] !== undefined) params.set('filter[role-id]', query['filter[role-id]']);
  if (query['filter[email]'] !== undefined) params.set('filter[email]', query['filter[email]']);
  if (query.text !== undefined) params.set('text', query.text);
  if (query['sort-by'] !== undefined) params.set('sort-by', query['sort-by']);
  if (query.select !== undefined) params.set('select', query.select.join(','));
  if (query.query !== undefined) params.set('query', query.query);
  params.set('page[limit]', String(query['page[limit]']));
  for (const [name, value] of Object.entries(page)) params.set(name, value);
  return `/v1/users/?${params.toString()}`;
}
