import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { TABLE_DEFINITION } from '#shared/platform/table';

/**
 * What each DynamoDB call of an API call costs, two ways:
 *
 * - `reported`: what DynamoDB Local answers to `ReturnConsumedCapacity: INDEXES`, which this
 *   capture adds to every call. It is right for single-item calls and queries, but it
 *   under-counts transactions (a TransactWriteItems of two Puts reports 2 units, AWS charges 4)
 *   and charges nothing for a missing key in a BatchGetItem.
 * - `model`: AWS's published rules applied to the item sizes, which the capture learns by
 *   reading every item a write touches just before and just after it (with a second client,
 *   outside the count). The cost figures of the benchmark use the model.
 *
 * The rules (DynamoDB developer guide, "capacity unit consumption"):
 *  - a read is 1 unit per 4 KB (rounded up per item for GetItem and BatchGetItem, over the
 *    summed size of every item evaluated for a Query, filters included), half that when
 *    eventually consistent, and at least one unit even when nothing is found;
 *  - a write is 1 unit per 1 KB of the larger of the item before and after, plus one write per
 *    global secondary index the item is in before or after (two when its index key moves);
 *  - every action of a TransactWriteItems costs twice that, ConditionCheck included (sized by
 *    the checked item); index writes of a transaction are doubled as well (an assumption: the
 *    guide is silent, and DynamoDB Local doubles them too).
 * Item size: attribute names plus values (UTF-8 strings, numbers about one byte per two
 * digits plus one, 1 byte for booleans and null, 3 bytes plus 1 per element for lists and
 * maps). Only document-client calls (`@aws-sdk/lib-dynamodb`), the only kind the code makes,
 * are understood.
 */
export interface Units {
  read: number;
  write: number;
}

export interface CallRecord {
  operation: string;
  /** e.g. `GetItem MEMBER`, `Query gsi1 TASK#status`. */
  detail: string;
  reported: Units;
  model: Units;
  /** Items read: found by GetItem and BatchGetItem, evaluated by Query (before any filter). */
  itemsRead: number;
  itemsWritten: number;
  conditionChecks: number;
  failed?: string;
}

type Item = Record<string, unknown>;
type Key = Record<string, unknown>;

const READ_OPS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const CAPACITY_OPS = new Set([...READ_OPS, 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

export function itemSize(value: unknown): number {
  if (value === null || value === undefined) return 1;
  switch (typeof value) {
    case 'string':
      return Buffer.byteLength(value, 'utf8');
    case 'number':
    case 'bigint': {
      const digits = String(value).replace(/^-/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
      return Math.ceil(Math.max(1, digits.length) / 2) + 1;
    }
    case 'boolean':
      return 1;
    default:
      break;
  }
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) return [...value].reduce((sum: number, element) => sum + itemSize(element), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, element) => sum + itemSize(element) + 1, 0);
  if (typeof value === 'object') {
    return (
      3 +
      Object.entries(value as Item)
        .filter(([, v]) => v !== undefined)
        .reduce((sum, [name, v]) => sum + Buffer.byteLength(name, 'utf8') + itemSize(v) + 1, 0)
    );
  }
  return 0;
}

/** Size of a top-level item: its attributes, without a map's own overhead. */
export function sizeOfItem(item: Item | undefined): number {
  if (!item) return 0;
  return Object.entries(item)
    .filter(([, v]) => v !== undefined)
    .reduce((sum, [name, v]) => sum + Buffer.byteLength(name, 'utf8') + itemSize(v), 0);
}

export const readUnits = (size: number) => Math.max(1, Math.ceil(size / 4096));
export const writeUnits = (size: number) => Math.max(1, Math.ceil(size / 1024));

function indexWrites(before: Item | undefined, after: Item | undefined): number {
  let units = 0;
  for (const index of TABLE_DEFINITION.globalIndexes) {
    const keyOf = (item: Item | undefined) =>
      item && item[index.partitionKey] !== undefined && item[index.sortKey] !== undefined
        ? `${String(item[index.partitionKey])}\u0000${String(item[index.sortKey])}`
        : undefined;
    const was = keyOf(before);
    const is = keyOf(after);
    if (was && is && was === is) units += writeUnits(sizeOfItem(after));
    else {
      if (was) units += writeUnits(sizeOfItem(before));
      if (is) units += writeUnits(sizeOfItem(after));
    }
  }
  return units;
}

function writeCost(before: Item | undefined, after: Item | undefined): number {
  return writeUnits(Math.max(sizeOfItem(before), sizeOfItem(after))) + indexWrites(before, after);
}

function keyOf(item: Item): Key {
  return { [TABLE_DEFINITION.partitionKey]: item[TABLE_DEFINITION.partitionKey], [TABLE_DEFINITION.sortKey]: item[TABLE_DEFINITION.sortKey] };
}

/** `ORG#org_x#test#TASK#status#ready` -> `TASK#status`; `APIKEY#ab12…` -> `APIKEY`. */
export function keyLabel(pk: unknown): string {
  const parts = String(pk ?? '?').split('#');
  let rest = parts;
  if (parts[0] === 'ORG') {
    rest = parts.slice(2);
    if (rest[0] === 'test' || rest[0] === 'live') rest = rest.slice(1);
    if (rest.length === 0) return 'ORGANIZATION';
  }
  const words = rest.filter((part) => /^[A-Za-z_]+$/.test(part) && !/_[0-9A-Za-z]{20,}/.test(part));
  return words.slice(0, 2).join('#') || rest[0] || '?';
}

function reportedUnits(consumed: unknown): number {
  const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  return list.reduce((sum: number, entry) => sum + Number((entry as { CapacityUnits?: number }).CapacityUnits ?? 0), 0);
}

type Next = (args: { input: Record<string, any> }) => Promise<{ output: Record<string, any> }>;
interface StackLike {
  add: (middleware: (next: Next, context: { commandName?: string }) => Next, options: { step: 'initialize'; name: string; priority?: 'high' | 'low' }) => void;
  remove: (name: string) => boolean;
}

const MIDDLEWARE_NAME = 'osmaBenchCapacityCapture';

/**
 * Installs itself on a client's middleware stack (the document client shares the stack of
 * the client it wraps) and records every call made while `measure` runs.
 */
export class CapacityCapture {
  private sink: CallRecord[] | undefined;
  private readonly side: DynamoDBDocumentClient;

  constructor(endpoint?: string) {
    this.side = DynamoDBDocumentClient.from(new DynamoDBClient(endpoint ? { endpoint } : {}));
  }

  install(client: { middlewareStack: unknown }): () => void {
    const stack = client.middlewareStack as StackLike;
    stack.add((next, context) => (args) => this.intercept(next, context.commandName ?? '', args), {
      step: 'initialize',
      name: MIDDLEWARE_NAME,
      priority: 'high',
    });
    return () => void stack.remove(MIDDLEWARE_NAME);
  }

  async measure<T>(work: () => Promise<T>): Promise<{ result: T; calls: CallRecord[] }> {
    if (this.sink) throw new Error('CapacityCapture.measure is not reentrant');
    const calls: CallRecord[] = [];
    this.sink = calls;
    try {
      return { result: await work(), calls };
    } finally {
      this.sink = undefined;
    }
  }

  destroy(): void {
    this.side.destroy();
  }

  private async intercept(next: Next, commandName: string, args: { input: Record<string, any> }) {
    const operation = commandName.replace(/Command$/, '');
    const sink = this.sink;
    if (!sink || !CAPACITY_OPS.has(operation)) return next(args);
    const input = { ...args.input, ReturnConsumedCapacity: 'INDEXES' };
    const before = await this.itemsBefore(operation, input);
    let output: Record<string, any> | undefined;
    let failed: string | undefined;
    try {
      const result = await next({ ...args, input });
      output = result.output;
      return result;
    } catch (error) {
      failed = (error as Error).name;
      throw error;
    } finally {
      sink.push(await this.record(operation, input, output, before, failed));
    }
  }

  private async get(key: Key): Promise<Item | undefined> {
    const { Item } = await this.side.send(new GetCommand({ TableName: process.env.OSMA_TABLE_NAME, Key: key, ConsistentRead: true }));
    return Item;
  }

  /** The items a write is about to change, keyed by `pk\0sk`. */
  private async itemsBefore(operation: string, input: Record<string, any>): Promise<Map<string, Item | undefined>> {
    const keys: Key[] = [];
    if (operation === 'PutItem') keys.push(keyOf(input.Item));
    if (operation === 'UpdateItem' || operation === 'DeleteItem') keys.push(input.Key);
    if (operation === 'TransactWriteItems') {
      for (const action of input.TransactItems ?? []) {
        if (action.Put) keys.push(keyOf(action.Put.Item));
        else keys.push((action.Update ?? action.Delete ?? action.ConditionCheck).Key);
      }
    }
    if (operation === 'BatchWriteItem') {
      for (const requests of Object.values(input.RequestItems ?? {}) as any[]) {
        for (const request of requests) keys.push(request.PutRequest ? keyOf(request.PutRequest.Item) : request.DeleteRequest.Key);
      }
    }
    const found = new Map<string, Item | undefined>();
    for (const key of keys) found.set(id(key), await this.get(key));
    return found;
  }

  private async record(
    operation: string,
    input: Record<string, any>,
    output: Record<string, any> | undefined,
    before: Map<string, Item | undefined>,
    failed: string | undefined,
  ): Promise<CallRecord> {
    const reported = reportedUnits(output?.ConsumedCapacity);
    const record: CallRecord = {
      operation,
      detail: operation,
      reported: READ_OPS.has(operation) ? { read: reported, write: 0 } : { read: 0, write: reported },
      model: { read: 0, write: 0 },
      itemsRead: 0,
      itemsWritten: 0,
      conditionChecks: 0,
      ...(failed && { failed }),
    };
    const factor = (consistent: unknown) => (consistent ? 1 : 0.5);
    switch (operation) {
      case 'GetItem': {
        record.detail = `GetItem ${keyLabel(input.Key?.pk)}${input.ConsistentRead ? ' (consistent)' : ''}`;
        record.model.read = readUnits(sizeOfItem(output?.Item)) * factor(input.ConsistentRead);
        record.itemsRead = output?.Item ? 1 : 0;
        break;
      }
      case 'BatchGetItem': {
        const labels: string[] = [];
        for (const [table, request] of Object.entries(input.RequestItems ?? {}) as [string, any][]) {
          const found: Item[] = output?.Responses?.[table] ?? [];
          const missing = Math.max(0, (request.Keys?.length ?? 0) - found.length - (output?.UnprocessedKeys?.[table]?.Keys?.length ?? 0));
          record.model.read += (found.reduce((sum, item) => sum + readUnits(sizeOfItem(item)), 0) + missing) * factor(request.ConsistentRead);
          record.itemsRead += found.length;
          labels.push(...(request.Keys ?? []).map((key: Key) => keyLabel(key.pk)));
        }
        record.detail = `BatchGetItem ${labels.join('+')}`;
        break;
      }
      case 'Query': {
        const label = keyLabel(Object.values(input.ExpressionAttributeValues ?? {})[0]);
        record.detail = `Query ${input.IndexName ? `${input.IndexName} ` : ''}${label}${input.FilterExpression ? ' (filtered)' : ''}`;
        let evaluated: Item[] = output?.Items ?? [];
        if (input.FilterExpression && output) evaluated = await this.unfiltered(input);
        const size = evaluated.reduce((sum, item) => sum + sizeOfItem(item), 0);
        record.model.read = readUnits(size) * factor(input.ConsistentRead);
        record.itemsRead = Number(output?.ScannedCount ?? evaluated.length);
        break;
      }
      case 'PutItem':
      case 'UpdateItem':
      case 'DeleteItem': {
        const key = operation === 'PutItem' ? keyOf(input.Item) : input.Key;
        const was = before.get(id(key));
        const is = failed ? was : operation === 'DeleteItem' ? undefined : operation === 'PutItem' ? input.Item : await this.get(key);
        record.detail = `${operation} ${keyLabel(key.pk)}${failed ? ' (condition failed)' : ''}`;
        record.model.write = failed ? writeUnits(sizeOfItem(was ?? input.Item)) : writeCost(was, is);
        record.itemsWritten = failed ? 0 : 1;
        break;
      }
      case 'TransactWriteItems': {
        const labels: string[] = [];
        for (const action of input.TransactItems ?? []) {
          const [kind, body] = Object.entries(action)[0] as [string, any];
          const key = kind === 'Put' ? keyOf(body.Item) : body.Key;
          const was = before.get(id(key));
          labels.push(`${kind}(${keyLabel(key.pk)})`);
          if (kind === 'ConditionCheck') {
            record.conditionChecks += 1;
            record.model.write += 2 * writeUnits(sizeOfItem(was));
            continue;
          }
          const is = failed ? was : kind === 'Delete' ? undefined : kind === 'Put' ? body.Item : await this.get(key);
          record.model.write += 2 * (failed ? writeUnits(sizeOfItem(was ?? body.Item)) : writeCost(was, is));
          record.itemsWritten += failed ? 0 : 1;
        }
        record.detail = `TransactWriteItems ${labels.join(' ')}${failed ? ' (cancelled)' : ''}`;
        break;
      }
      case 'BatchWriteItem': {
        let count = 0;
        for (const requests of Object.values(input.RequestItems ?? {}) as any[]) {
          for (const request of requests) {
            const key = request.PutRequest ? keyOf(request.PutRequest.Item) : request.DeleteRequest.Key;
            record.model.write += writeCost(before.get(id(key)), request.PutRequest?.Item);
            count += 1;
          }
        }
        record.itemsWritten = count;
        record.detail = `BatchWriteItem ×${count}`;
        break;
      }
      default:
        record.detail = `${operation} (not modelled: DynamoDB Local's figure used)`;
        record.model = { ...record.reported };
    }
    return record;
  }

  /** The items a filtered Query evaluated: the same Query without its filter. */
  private async unfiltered(input: Record<string, any>): Promise<Item[]> {
    const { FilterExpression: _filter, ReturnConsumedCapacity: _rcc, ...rest } = input;
    const names = { ...(rest.ExpressionAttributeNames ?? {}) };
    const values = { ...(rest.ExpressionAttributeValues ?? {}) };
    const used = `${rest.KeyConditionExpression ?? ''} ${rest.ProjectionExpression ?? ''}`;
    for (const name of Object.keys(names)) if (!used.includes(name)) delete names[name];
    for (const name of Object.keys(values)) if (!used.includes(name)) delete values[name];
    const { Items } = await this.side.send(
      new QueryCommand({
        ...(rest as QueryCommandInput),
        ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
        ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
      }),
    );
    return Items ?? [];
  }
}

function id(key: Key): string {
  return `${String(key[TABLE_DEFINITION.partitionKey])}\u0000${String(key[TABLE_DEFINITION.sortKey])}`;
}

export function totals(calls: CallRecord[]) {
  const sum = (pick: (call: CallRecord) => number) => calls.reduce((total, call) => total + pick(call), 0);
  return {
    calls: calls.length,
    read: sum((c) => c.model.read),
    write: sum((c) => c.model.write),
    reportedRead: sum((c) => c.reported.read),
    reportedWrite: sum((c) => c.reported.write),
    itemsRead: sum((c) => c.itemsRead),
    itemsWritten: sum((c) => c.itemsWritten),
    conditionChecks: sum((c) => c.conditionChecks),
  };
}
