import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';
import type { ListFilter } from '#shared/platform/pagination';

type Item = Record<string, unknown>;

/** One partition (of the table or an index) whose sort key orders its items by time. */
export interface RangeSource {
  index?: string;
  partitionKey: string;
  partitionValue: string;
  sortKey: string;
}

/** A range of sort keys: `from` inclusive, `below` exclusive. */
export interface SortRange {
  from?: string;
  below?: string;
}

export interface RangePageRequest {
  limit: number;
  /** Matches to skip before the page (offset paging: they are read, then dropped). */
  offset: number;
  /** Where the page starts: strictly below this sort key (the `next.after` of the page before). */
  after?: string;
}

export interface RangePage {
  /** The matching items, newest first. */
  items: Item[];
  /** Where the next page starts, and how many matches it must still skip; undefined at the range's end. */
  next?: { after: string; offset: number };
  /** Items DynamoDB read (before the filter) for this page: what the page cost. */
  read: number;
}

/**
 * Items one page may read, across its partitions, before it answers with what it found: a
 * filter that matches little would otherwise read a whole range (30 days of logs) in one
 * request. About 2.5 MB of 500-byte items; the page is then short (even empty), and its
 * `next` goes on from where the reading stopped.
 */
export const MAX_ITEMS_READ_PER_PAGE = 5_000;

/**
 * One page of a list kept newest first in one or more partitions (a request log's two modes),
 * merged by sort key. Each partition is read with one Query at a time, bounded by the range
 * (a key condition: what lies outside it is never read) and by the cursor; the filter drops
 * what the key cannot say, after DynamoDB read it (a FilterExpression costs what it reads).
 *
 * A partition stops when it holds enough matches for the page (offset + limit, and one more
 * to know that another page follows), when the range ends, or when the read budget is spent.
 * Matches are kept only above the lowest point every unfinished partition has reached, so a
 * merged page never skips an item a slower partition has not read yet.
 */
export async function readNewestFirst(options: {
  sources: RangeSource[];
  range: SortRange;
  filters?: ListFilter[];
  request: RangePageRequest;
  maxItemsRead?: number;
}): Promise<RangePage> {
  const { sources, range, request } = options;
  const below = lowest(range.below, request.after);
  if (range.from !== undefined && below !== undefined && range.from >= below) return { items: [], read: 0 };
  const want = request.offset + request.limit + 1;
  const budget = Math.max(1, Math.floor((options.maxItemsRead ?? MAX_ITEMS_READ_PER_PAGE) / sources.length));
  const filter = allOf(options.filters ?? []);
  const sides = await Promise.all(sources.map((source) => readSide(source, { from: range.from, below }, filter, want, budget)));

  const unfinished = sides.filter((side) => !side.ended).map((side) => side.reached!);
  const cut = unfinished.length ? unfinished.reduce((a, b) => (a > b ? a : b)) : undefined;
  const sortKeyOf = (entry: { sortKey: string }) => entry.sortKey;
  const merged = sides
    .flatMap((side) => side.matches)
    .filter((entry) => cut === undefined || entry.sortKey >= cut)
    .sort((a, b) => (sortKeyOf(a) < sortKeyOf(b) ? 1 : -1));
  const page = merged.slice(request.offset, request.offset + request.limit);
  const read = sides.reduce((sum, side) => sum + side.read, 0);
  const items = page.map((entry) => entry.item);
  if (merged.length > request.offset + request.limit) return { items, next: { after: page.at(-1)!.sortKey, offset: 0 }, read };
  if (cut !== undefined) return { items, next: { after: cut, offset: Math.max(0, request.offset - merged.length) }, read };
  return { items, read };
}

interface Side {
  matches: { sortKey: string; item: Item }[];
  /** True when the partition's range is read to its end. */
  ended: boolean;
  /** Otherwise: the sort key of the last item read; everything at or above it was read. */
  reached?: string;
  read: number;
}

async function readSide(source: RangeSource, range: SortRange, filter: ListFilter | undefined, want: number, budget: number): Promise<Side> {
  const matches: Side['matches'] = [];
  let read = 0;
  let startKey: Item | undefined;
  const { from, below } = range;
  // One condition on the sort key: BETWEEN is inclusive, so an item at `below` is dropped here.
  const keyCondition =
    from !== undefined && below !== undefined
      ? ' AND #sk BETWEEN :from AND :below'
      : below !== undefined
        ? ' AND #sk < :below'
        : from !== undefined
          ? ' AND #sk >= :from'
          : '';
  do {
    const missing = want - matches.length;
    const result = await db().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: source.index,
        KeyConditionExpression: `#pk = :pk${keyCondition}`,
        FilterExpression: filter?.expression,
        ExpressionAttributeNames: { '#pk': source.partitionKey, ...(keyCondition && { '#sk': source.sortKey }), ...filter?.names },
        ExpressionAttributeValues: {
          ':pk': source.partitionValue,
          ...(from !== undefined && { ':from': from }),
          ...(below !== undefined && { ':below': below }),
          ...filter?.values,
        },
        ScanIndexForward: false,
        // Without a filter every item read is a match; with one, read ahead (within the budget).
        Limit: filter ? Math.min(budget - read, Math.max(100, 2 * missing)) : Math.min(budget - read, missing),
        ExclusiveStartKey: startKey,
      }),
    );
    read += result.ScannedCount ?? result.Items?.length ?? 0;
    for (const item of result.Items ?? []) {
      const sortKey = item[source.sortKey] as string;
      if (sortKey === below) continue;
      matches.push({ sortKey, item });
      if (matches.length === want) return { matches, ended: false, reached: sortKey, read };
    }
    startKey = result.LastEvaluatedKey;
    if (startKey && read >= budget) return { matches, ended: false, reached: startKey[source.sortKey] as string, read };
  } while (startKey);
  return { matches, ended: true, read };
}

function lowest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a < b ? a : b;
}

/** Several filters as one FilterExpression (each keeps its own placeholder names). */
function allOf(filters: ListFilter[]): ListFilter | undefined {
  if (filters.length === 0) return undefined;
  return {
    expression: filters.map((filter) => `(${filter.expression})`).join(' AND '),
    names: Object.assign({}, ...filters.map((filter) => filter.names)),
    values: Object.assign({}, ...filters.map((filter) => filter.values)),
  };
}

/** A time range (milliseconds) written back as the seed's comparisons, for a next page's link: `>=<from>,<<below>`. */
export function timeRangeText(range: { from?: number; below?: number }): string {
  const iso = (millis: number) => new Date(millis).toISOString();
  return [range.from !== undefined && `>=${iso(range.from)}`, range.below !== undefined && `<${iso(range.below)}`].filter(Boolean).join(',');
}
