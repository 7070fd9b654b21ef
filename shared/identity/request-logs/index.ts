import { gunzipSync, gzipSync } from 'node:zlib';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';
import { isId } from '#shared/platform/ids';
import { timestamp } from '#shared/platform/time';
import type { Mode } from '#shared/platform/table';
import { REQUEST_ID, REQUEST_LOG_RETENTION_SECONDS, requestLogKeys } from '#shared/identity/request-logs/keys';

/**
 * The indexing core: turns the public API's request lines (the one JSON line per request that
 * the handler wrapper writes, `message: "request"`, see shared/http/handler.ts) into request log
 * items. In AWS a CloudWatch Logs subscription on each public route function's log group hands
 * it batches of lines (functions/platform/request-log-indexer.ts); locally the stack hands it
 * the lines its handlers print (local/request-log-feed.ts), in the same payload. Nothing runs on
 * the request's own path.
 *
 * A line becomes an item only when it is a request line of the public API (`plane: "api"`) for
 * an organization and a mode, with a well-formed request id; anything else (a warning, a
 * management API line, a request refused before its key was known) is ignored. Only what the
 * line says about the request is kept: never a body, a query string, a header or a key.
 */

/** What a CloudWatch Logs subscription hands a Lambda function: `awslogs.data` is the gzipped, base64 payload. */
export interface CloudWatchLogsEvent {
  awslogs: { data: string };
}

export interface LogEvent {
  id?: string;
  /** Milliseconds since the epoch, when CloudWatch Logs received the line. */
  timestamp: number;
  message: string;
}

/** The payload, decoded. A CONTROL_MESSAGE (CloudWatch checking that the destination is reachable) has no lines to index. */
export interface SubscriptionPayload {
  messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE';
  owner?: string;
  logGroup?: string;
  logStream?: string;
  subscriptionFilters?: string[];
  logEvents: LogEvent[];
}

/** The stored request log. */
export interface RequestLogItem {
  pk: string;
  sk: string;
  gsi1pk: string;
  gsi1sk: string;
  entity: 'request_log';
  request_id: string;
  organization_id: string;
  mode: Mode;
  method: string;
  path: string;
  /** `METHOD /path/{param}`: the route as its table declares it. */
  route?: string;
  operation_id?: string;
  status: number;
  duration_ms?: number;
  api_version?: string;
  error_type?: string;
  error_code?: string;
  idempotent_replayed: boolean;
  api_key_id?: string;
  created_at: string;
  expires_at: number;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const OPERATION_ID = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;
const ROUTE_PATH = /^\/[A-Za-z0-9_\-/{}.]{0,255}$/;
const API_VERSION = /^\d{4}-\d{2}-\d{2}$/;
const ERROR_WORD = /^[a-z][a-z0-9_]{0,63}$/;
const API_KEY_ID = /^key_[A-Za-z0-9]{1,64}$/;
const MAX_PATH_LENGTH = 2_048;
/** BatchWriteItem's limit. */
const BATCH_SIZE = 25;
const PARALLEL_BATCHES = 4;

/** `awslogs.data`: base64, then gzip, then JSON. Throws on anything else. */
export function decodeSubscriptionPayload(data: unknown): SubscriptionPayload {
  if (typeof data !== 'string') throw new Error('Not a CloudWatch Logs subscription event: no awslogs.data');
  const payload = JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8')) as SubscriptionPayload;
  if (typeof payload !== 'object' || payload === null || !Array.isArray(payload.logEvents)) {
    throw new Error('Not a CloudWatch Logs subscription payload');
  }
  return payload;
}

/** The payload CloudWatch Logs would send for these lines (the local feed sends it; tests build one). */
export function encodeSubscriptionPayload(payload: SubscriptionPayload): string {
  return gzipSync(Buffer.from(JSON.stringify(payload), 'utf8')).toString('base64');
}

/**
 * The item for one log line, or undefined when the line is no request line of the public API.
 * A line is the JSON the logger prints; a runtime's prefix before it (`<time>\t<id>\tINFO\t`) is skipped.
 */
export function requestLogItem(event: LogEvent, now: number = Date.now()): RequestLogItem | undefined {
  const line = parseLine(event.message);
  if (!line || line.message !== 'request' || line.plane !== 'api') return undefined;
  const { organization_id: organizationId, mode, request_id: requestId, method, path, status } = line;
  if (typeof organizationId !== 'string' || !isId('organization', organizationId)) return undefined;
  if (mode !== 'test' && mode !== 'live') return undefined;
  if (typeof requestId !== 'string' || !REQUEST_ID.test(requestId)) return undefined;
  if (typeof method !== 'string' || !METHODS.has(method)) return undefined;
  if (typeof path !== 'string' || !path.startsWith('/')) return undefined;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) return undefined;

  const answeredAt = timeOf(line.timestamp) ?? timeOf(event.timestamp) ?? now;
  const expiresAt = Math.floor(answeredAt / 1000) + REQUEST_LOG_RETENTION_SECONDS;
  // A line replayed after its retention would be deleted again at once: not worth a write.
  if (expiresAt <= Math.floor(now / 1000)) return undefined;
  const operationId = matching(line.route, OPERATION_ID);
  const routePath = matching(line.route_path, ROUTE_PATH);
  const duration = line.duration_ms;
  return {
    ...requestLogKeys.key(organizationId, requestId),
    gsi1pk: requestLogKeys.listPk(organizationId, mode),
    gsi1sk: requestLogKeys.listSk(new Date(answeredAt).toISOString(), requestId),
    entity: 'request_log',
    request_id: requestId,
    organization_id: organizationId,
    mode,
    method,
    path: path.slice(0, MAX_PATH_LENGTH),
    route: routePath && `${method} ${routePath}`,
    operation_id: operationId,
    status,
    duration_ms: typeof duration === 'number' && Number.isFinite(duration) && duration >= 0 ? Math.round(duration) : undefined,
    api_version: matching(line.api_version, API_VERSION),
    error_type: matching(line.error_type, ERROR_WORD),
    error_code: matching(line.error_code, ERROR_WORD),
    idempotent_replayed: line.idempotent_replayed === true,
    api_key_id: matching(line.api_key_id, API_KEY_ID),
    created_at: timestamp(new Date(answeredAt)),
    expires_at: expiresAt,
  };
}

/** The items of a batch of lines: one per request (a line delivered twice is written once). */
export function requestLogItems(events: LogEvent[], now: number = Date.now()): RequestLogItem[] {
  const items = new Map<string, RequestLogItem>();
  for (const event of events) {
    const item = requestLogItem(event, now);
    if (item) items.set(item.pk, item);
  }
  return [...items.values()];
}

/**
 * Writes the items of these lines, 25 to a BatchWriteItem, sending again what DynamoDB leaves
 * unprocessed (with a growing pause). Each item is written whole under its request's key, so a
 * batch written twice (a retried invocation) leaves the same items.
 */
export async function indexLogEvents(events: LogEvent[], now: number = Date.now()): Promise<{ indexed: number; ignored: number }> {
  const items = requestLogItems(events, now);
  const batches: RequestLogItem[][] = [];
  for (let start = 0; start < items.length; start += BATCH_SIZE) batches.push(items.slice(start, start + BATCH_SIZE));
  // A few batches at a time: a payload of thousands of lines is written in seconds, not minutes.
  for (let start = 0; start < batches.length; start += PARALLEL_BATCHES) {
    await Promise.all(batches.slice(start, start + PARALLEL_BATCHES).map(writeBatch));
  }
  return { indexed: items.length, ignored: events.length - items.length };
}

/** One decoded CloudWatch Logs subscription payload, indexed. */
export async function indexSubscriptionPayload(payload: SubscriptionPayload): Promise<{ indexed: number; ignored: number }> {
  if (payload.messageType !== 'DATA_MESSAGE') return { indexed: 0, ignored: payload.logEvents.length };
  return indexLogEvents(payload.logEvents);
}

async function writeBatch(items: RequestLogItem[]): Promise<void> {
  let pending: Record<string, unknown>[] = items.map((item) => ({ PutRequest: { Item: item } }));
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 6) throw new Error(`BatchWriteItem left ${pending.length} request logs unprocessed`);
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
    const result = await db().send(new BatchWriteCommand({ RequestItems: { [tableName()]: pending as never } }));
    pending = (result.UnprocessedItems?.[tableName()] ?? []) as Record<string, unknown>[];
  }
}

function parseLine(message: string): Record<string, unknown> | undefined {
  if (typeof message !== 'string') return undefined;
  const start = message.indexOf('{');
  if (start < 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(message.slice(start));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Milliseconds of an ISO 8601 text or an epoch number, or undefined. */
function timeOf(value: unknown): number | undefined {
  const millis = typeof value === 'string' ? Date.parse(value) : typeof value === 'number' ? value : Number.NaN;
  return Number.isFinite(millis) && millis > 0 ? millis : undefined;
}

function matching(value: unknown, pattern: RegExp): string | undefined {
  return typeof value === 'string' && pattern.test(value) ? value : undefined;
}
