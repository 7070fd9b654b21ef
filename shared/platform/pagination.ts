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
 * One page of a list, newest first. Objects sort by id (a KSUID, so by creation time); the
 * cursor is a key condition on the id, so the cursor object need not exist, and one item
 * more than the page is read to learn whether another page follows. Without a filter that
 * is one Query; with one, Queries go on until the page is full or the list ends.
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
  const found: Record<string, unknown>[] = [];
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
        Limit: filter && !filter.dropsFew ? Math.max(request.limit + 1, 100) : request.limit + 1,
        ExclusiveStartKey: startKey,
      }),
    );
    found.push(...(result.Items ?? []));
    startKey = result.LastEvaluatedKey;
  } while (filter && startKey && found.length <= request.limit);
  const items = found.slice(0, request.limit);
  if (backwards) items.reverse();
  return { has_next: found.length > request.limit, data: items.map(fromItem) };
}
