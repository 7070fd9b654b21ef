import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { tableName } from '#shared/platform/config';
import { errors, type ParamError } from '#shared/platform/errors';
import { attributeSize, itemSize, STORE_LIMITS } from '#shared/platform/storable';

/**
 * One document client per process, made on first use so that a cold start pays for it only
 * when a handler touches the table. Endpoints come from the SDK's own settings
 * (AWS_ENDPOINT_URL_DYNAMODB points it at DynamoDB Local).
 */
let client: DynamoDBDocumentClient | undefined;

export function db(): DynamoDBDocumentClient {
  if (!client) {
    client = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    });
    client.middlewareStack.add((next) => (args) => next({ ...args, input: constructorKeysAsMaps(args.input) }), {
      step: 'initialize',
      name: 'constructorKeysAsMaps',
    });
  }
  return client;
}

/**
 * The document client tells a map from other values by its `constructor.name` ("Object",
 * "Set", "String"...). An object with its own `constructor` key, which any JSON a consumer
 * sends may have, is then no map to it: `{"constructor": "x"}` fails the write, and
 * `{"constructor": {"name": "String"}}` is stored as the text "[object Object]". A Map is
 * marshalled by its entries whatever its keys, so those objects go to it as Maps (and come back
 * as plain objects). Every other value is passed on as it is, untouched and uncopied.
 */
export function constructorKeysAsMaps<T>(value: T): T {
  if (Array.isArray(value)) {
    const items = value.map(constructorKeysAsMaps);
    return (items.some((item, i) => item !== value[i]) ? items : value) as T;
  }
  if (typeof value !== 'object' || value === null) return value;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  const entries = Object.entries(value).map(([key, item]) => [key, constructorKeysAsMaps(item)] as const);
  if (Object.hasOwn(value, 'constructor')) return new Map(entries) as T;
  return (entries.some(([key, item]) => item !== (value as Record<string, unknown>)[key]) ? Object.fromEntries(entries) : value) as T;
}

/**
 * What one change of an object may leave it at, and why:
 * - every item the change writes (the object's own, a version of it, an event that carries it)
 *   must fit in DynamoDB's item;
 * - the answer's JSON must fit in the idempotency record that keeps it, beside the record's
 *   key, status and headers (ANSWER_RECORD_OVERHEAD);
 * - a change of content leaves HEADROOM free for what the object may still gain without a
 *   consumer sending anything (status transitions, a rotated secret, failure counts), so that
 *   an object at the limit can still change status or be deleted.
 */
export const OBJECT_LIMITS = { bytes: STORE_LIMITS.itemBytes, headroom: 1_024, answerRecordOverhead: 2_048 } as const;

/**
 * Refuses a change whose object would not fit (see OBJECT_LIMITS) with a 400 that names the
 * fields the request sent that make it large, largest first, as many as must shrink for it to
 * fit. `sent` lists the request's fields; a change that sends only `status` (or nothing) may use
 * the headroom.
 */
export function assertFits(kind: string, object: object, items: object[], sent: string[]): void {
  const fields = object as Record<string, unknown>;
  const content = sent.filter((field) => field !== 'status' && field in fields);
  const limit = OBJECT_LIMITS.bytes - (content.length ? OBJECT_LIMITS.headroom : 0);
  const size = Math.max(
    ...items.map(itemSize),
    Buffer.byteLength(JSON.stringify(object)) + OBJECT_LIMITS.answerRecordOverhead,
  );
  if (size <= limit) return;
  const candidates = (content.length ? content : Object.keys(fields))
    .map((field) => ({ field, bytes: attributeSize(field, fields[field]) }))
    .sort((a, b) => b.bytes - a.bytes);
  const blamed: ParamError[] = [];
  let rest = size;
  for (const { field, bytes } of candidates) {
    if (rest <= limit) break;
    blamed.push({ param: field, message: `${field} takes ${bytes} bytes of the ${kind}` });
    rest -= bytes;
  }
  throw errors.objectTooLarge(kind, size, limit, blamed);
}

/**
 * The indexes of the transaction items whose condition failed, or undefined when the error
 * is not a cancelled transaction.
 */
export function failedConditions(error: unknown): number[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return (error.CancellationReasons ?? []).flatMap((reason, index) =>
    reason.Code === 'ConditionalCheckFailed' ? [index] : [],
  );
}

/**
 * True when a transaction was cancelled because another one was changing the same items at
 * that moment (no condition failed): trying it again, after reading again, is the answer.
 */
export function isTransactionConflict(error: unknown): boolean {
  if (!(error instanceof TransactionCanceledException)) return false;
  return (error.CancellationReasons ?? []).some((reason) => reason.Code === 'TransactionConflict');
}

/**
 * The item that the failed check at `index` of a cancelled transaction handed back (asked
 * for with ReturnValuesOnConditionCheckFailure: ALL_OLD), or undefined when there is none:
 * the check found no item.
 */
export function cancelledItem(error: unknown, index: number): Record<string, unknown> | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  const item = error.CancellationReasons?.[index]?.Item;
  return item ? unmarshall(item) : undefined;
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

export interface TableKey {
  pk: string;
  sk: string;
}

/**
 * Reads up to 100 items by key in one BatchGetItem (strongly consistent unless `consistent` is
 * false: half the cost, for reads that may lag a write by a moment), asking again with a
 * growing pause for any keys DynamoDB leaves unprocessed. Returns a lookup by key: an absent
 * item is undefined.
 */
export async function batchGet(
  keys: TableKey[],
  options: { keysOnly?: boolean; consistent?: boolean } = {},
): Promise<(key: TableKey) => Record<string, unknown> | undefined> {
  const items = new Map<string, Record<string, unknown>>();
  const id = (key: { pk?: unknown; sk?: unknown }) => `${String(key.pk)}\u0000${String(key.sk)}`;
  let pending: Record<string, unknown>[] = keys.map(({ pk, sk }) => ({ pk, sk }));
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 6) throw new Error('BatchGetItem left keys unprocessed');
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
    const result = await db().send(
      new BatchGetCommand({
        RequestItems: {
          [tableName()]: {
            Keys: pending,
            ConsistentRead: options.consistent ?? true,
            ...(options.keysOnly && { ProjectionExpression: 'pk, sk' }),
          },
        },
      }),
    );
    for (const item of result.Responses?.[tableName()] ?? []) items.set(id(item), item);
    pending = result.UnprocessedKeys?.[tableName()]?.Keys ?? [];
  }
  return (key) => items.get(id(key));
}

/**
 * Every item of one partition (strongly consistent), optionally only those whose sort key
 * starts with `skPrefix`, reading on past DynamoDB's 1 MB pages. For partitions known to be
 * small (a login's TOTP configurations or sessions, an organization's webhook endpoints);
 * lists that a client pages through use `queryPage` instead.
 */
export async function queryAll<T = Record<string, unknown>>(
  pk: string,
  options: { skPrefix?: string; newestFirst?: boolean; projection?: string } = {},
): Promise<T[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: options.skPrefix === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ...(options.skPrefix !== undefined && { ':prefix': options.skPrefix }) },
        ...(options.newestFirst && { ScanIndexForward: false }),
        ...(options.projection && { ProjectionExpression: options.projection }),
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items as T[];
}
