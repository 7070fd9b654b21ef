import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { db } from '#shared/db';
import { errors } from '#shared/errors';
import { isId, type IdKind } from '#shared/ids';
import { tableName } from '#shared/config';

export interface PageRequest {
  limit: number;
  starting_after?: string;
  ending_before?: string;
}

export interface Page<T> {
  has_next: boolean;
  data: T[];
}

/**
 * One page of a list, newest first, in one Query. Items sort by their id (a KSUID, so by
 * creation time); the cursor id becomes the ExclusiveStartKey, and one item more than the
 * page is read to learn whether another page follows.
 */
export async function queryPage<T>(options: {
  kind: IdKind;
  request: PageRequest;
  /** The key condition and index for the whole list. */
  query: Pick<QueryCommandInput, 'KeyConditionExpression' | 'ExpressionAttributeValues' | 'ExpressionAttributeNames' | 'IndexName'>;
  /** The key (table key, plus index key when querying an index) of the item with this id. */
  keyOf: (id: string) => Record<string, string>;
  fromItem: (item: Record<string, unknown>) => T;
}): Promise<Page<T>> {
  const { kind, request, query, keyOf, fromItem } = options;
  const cursor = request.starting_after ?? request.ending_before;
  if (request.starting_after !== undefined && request.ending_before !== undefined) {
    throw errors.invalidParams([
      { param: 'ending_before', message: 'starting_after and ending_before cannot be used together' },
    ]);
  }
  if (cursor !== undefined && !isId(kind, cursor)) {
    const param = request.starting_after !== undefined ? 'starting_after' : 'ending_before';
    throw errors.invalidParams([{ param, message: `${param} must be the id of a ${kind}` }]);
  }
  const backwards = request.ending_before !== undefined;
  const result = await db().send(
    new QueryCommand({
      TableName: tableName(),
      ...query,
      ScanIndexForward: backwards,
      Limit: request.limit + 1,
      ExclusiveStartKey: cursor === undefined ? undefined : keyOf(cursor),
    }),
  );
  const items = (result.Items ?? []).slice(0, request.limit);
  if (backwards) items.reverse();
  return { has_next: (result.Items?.length ?? 0) > request.limit, data: items.map(fromItem) };
}
