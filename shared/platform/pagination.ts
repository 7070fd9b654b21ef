import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';
import { isId, type IdKind } from '#shared/platform/ids';

export interface PageRequest {
  limit: number;
  starting_after?: string;
  ending_before?: string;
}

export interface Page<T> {
  has_next: boolean;
  data: T[];
}

/** Where a list lives: one partition of the table or of an index, sorted by the objects' ids. */
export interface ListSource {
  index?: string;
  partitionKey: string;
  partitionValue: string;
  /** The attribute that holds the object's id in this table or index. */
  idKey: string;
}

/** A condition on attributes that the list's key cannot express (a second filter). */
export interface ListFilter {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
  /**
   * True when the filter drops only a few items at the end of the list (expired events that
   * TTL has not yet deleted): then a Query reads what a page needs, not a batch of 100, and
   * goes on only past what the filter dropped.
   */
  dropsFew?: boolean;
}

/**
 * What one page may weigh, as Lambda carries it: a Lambda may answer at most 6 MB (API
 * Gateway 10 MB), and the body travels inside Lambda's answer as a JSON string, escaped once
 * more. 5 MB of objects leaves room for the envelope, the headers and an older API version's
 * shape. One object alone weighs under 3 MB (an item stores at most 400 KB, and no stored
 * byte takes more than seven in the escaped JSON: a control character, `\\u0001`), and a
 * page always takes its first object, so a page is never empty while objects remain.
 */
export const MAX_PAGE_BYTES = 5 * 1024 * 1024;

/** An object's share of Lambda's answer: its JSON, escaped again as part of the body string. */
export function answerBytes(object: unknown): number {
  return Buffer.byteLength(JSON.stringify(JSON.stringify(object)));
}

/**
 * Drops items past their `expires_at` (the table's TTL attribute) that DynamoDB has not deleted
 * yet. In a newest-first list they are the last items, so few pages ever meet one.
 */
export function unexpired(now = Date.now()): ListFilter {
  return {
    expression: '#expires > :now',
    names: { '#expires': 'expires_at' },
    values: { ':now': Math.floor(now / 1000) },
    dropsFew: true,
  };
}

/**
 * One page of a list, newest first. Objects sort by id (a KSUID, so by creation time); the
 * cursor is a key condition on the id, so the cursor object need not exist, and one item
 * more than the page is read to learn whether another page follows.
 *
 * A page holds `limit` objects whenever that many exist past the cursor, unless they would
 * weigh more than MAX_PAGE_BYTES: then it stops before the object that would cross it, and
 * says has_next. A Query reads at most 1 MB (and a filter may drop what it read), so Queries
 * go on from where the last stopped until the page is full or the list ends. Without a
 * filter each Query asks only for what the page still lacks: a page of small objects is one
 * Query that reads limit + 1 items.
 */
export async function queryPage<T>(options: {
  kind: IdKind;
  request: PageRequest;
  source: ListSource;
  filter?: ListFilter;
  fromItem: (item: Record<string, unknown>) => T;
}): Promise<Page<T>> {
  const { kind, request, source, filter, fromItem } = options;
  if (request.starting_after !== undefined && request.ending_before !== undefined) {
    throw errors.invalidParams([
      { param: 'ending_before', message: 'starting_after and ending_before cannot be used together' },
    ]);
  }
  const [param, cursor] =
    request.ending_before !== undefined
      ? (['ending_before', request.ending_before] as const)
      : (['starting_after', request.starting_after] as const);
  if (cursor !== undefined && !isId(kind, cursor)) {
    throw errors.invalidParams([{ param, message: `${param} must be the id of a ${kind}` }]);
  }
  const backwards = param === 'ending_before' && cursor !== undefined;
  const idCondition = cursor === undefined ? '' : backwards ? ' AND #id > :cursor' : ' AND #id < :cursor';
  const objects: T[] = [];
  let bytes = 0;
  let hasNext = false;
  let startKey: Record<string, unknown> | undefined;
  do {
    const result = await db().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: source.index,
        KeyConditionExpression: `#pk = :pk${idCondition}`,
        FilterExpression: filter?.expression,
        ExpressionAttributeNames: {
          '#pk': source.partitionKey,
          ...(cursor !== undefined && { '#id': source.idKey }),
          ...filter?.names,
        },
        ExpressionAttributeValues: {
          ':pk': source.partitionValue,
          ...(cursor !== undefined && { ':cursor': cursor }),
          ...filter?.values,
        },
        ScanIndexForward: backwards,
        Limit: filter && !filter.dropsFew ? Math.max(request.limit + 1, 100) : request.limit + 1 - objects.length,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of result.Items ?? []) {
      if (objects.length === request.limit) {
        hasNext = true;
        break;
      }
      const object = fromItem(item);
      const weight = answerBytes(object);
      if (objects.length > 0 && bytes + weight > MAX_PAGE_BYTES) {
        hasNext = true;
        break;
      }
      objects.push(object);
      bytes += weight;
    }
    startKey = result.LastEvaluatedKey;
  } while (!hasNext && startKey);
  if (backwards) objects.reverse();
  return { has_next: hasNext, data: objects };
}
