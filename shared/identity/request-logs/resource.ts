import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';
import { unexpired, type ListFilter } from '#shared/platform/pagination';
import { readNewestFirst, timeRangeText, type RangeSource } from '#shared/platform/range-pages';
import type { Mode } from '#shared/platform/table';
import { REQUEST_ID, requestLogKeys } from '#shared/identity/request-logs/keys';
import type { RequestLogItem } from '#shared/identity/request-logs/index';

/**
 * The management API's `request-logs` resource: what the public API answered, one per
 * request, as the indexer wrote it (shared/identity/request-logs/index.ts). Read by request id
 * (one GetItem) or listed newest first per mode (gsi1), filtered (docs/request-logs.md).
 */
export const REQUEST_LOG_TYPE = 'request-logs';

export const requestLogAttributes = z.object({
  'created-time': z.string().meta({ description: 'When the request was answered.' }),
  mode: z.enum(['test', 'live']),
  method: z.string(),
  path: z.string().meta({ description: 'The path called, without its query string.' }),
  route: z.string().nullable().meta({ description: 'The route, as `METHOD /path/{param}`.', example: 'GET /members/{id}' }),
  'operation-id': z.string().nullable().meta({ description: "The route's operationId in the public API's document.", example: 'getMember' }),
  status: z.number().int(),
  'duration-ms': z.number().int().nullable().meta({ description: 'How long the function took to answer, in milliseconds.' }),
  'api-version': z.string().nullable().meta({ description: 'The API version the request was answered in.' }),
  'error-type': z.string().nullable().meta({ description: "An error answer's `type`." }),
  'error-code': z.string().nullable().meta({ description: "An error answer's `code`, when it has one." }),
  'idempotent-replayed': z.boolean().meta({ description: 'The answer was the stored one of an earlier request with the same idempotency key.' }),
  'api-key-id': z.string().nullable().meta({ description: 'The id of the API key used (never the key).' }),
});

export function requestLogResource(item: RequestLogItem) {
  return {
    type: REQUEST_LOG_TYPE,
    id: item.request_id,
    attributes: {
      'created-time': item.created_at,
      mode: item.mode,
      method: item.method,
      path: item.path,
      route: item.route ?? null,
      'operation-id': item.operation_id ?? null,
      status: item.status,
      'duration-ms': item.duration_ms ?? null,
      'api-version': item.api_version ?? null,
      'error-type': item.error_type ?? null,
      'error-code': item.error_code ?? null,
      'idempotent-replayed': item.idempotent_replayed === true,
      'api-key-id': item.api_key_id ?? null,
    },
  };
}

/** A status filter: one status (`404`) or a class (`4xx`), as the inclusive range it stands for. */
export interface StatusRange {
  text: string;
  from: number;
  to: number;
}

/** A route filter: an operationId (`getMember`) or a route (`GET /members/{id}`). */
export type RouteFilter = { operationId: string } | { route: string };

/** The list's query, parsed (shared/identity/request-logs/routes.ts). */
export interface RequestLogQuery {
  'filter[request-id]'?: string;
  'filter[mode]'?: Mode;
  'filter[status]'?: StatusRange;
  'filter[route]'?: RouteFilter;
  'filter[cmp-created-time]'?: { from?: number; below?: number };
  'page[limit]': number;
  'page[offset]': number;
  'page[after]'?: string;
}

/** `GET /v1/request-logs/{id}/`: one strongly consistent GetItem in the caller's organization. */
export async function getRequestLog(principal: { organizationId: string }, requestId: string) {
  const item = REQUEST_ID.test(requestId) ? await readOne(principal.organizationId, requestId) : undefined;
  if (!item) throw errors.notFound('request log', requestId);
  return { data: requestLogResource(item), meta: {} };
}

/**
 * `GET /v1/request-logs/`: newest first. With `filter[request-id]`, one GetItem and the other
 * filters checked on it. Otherwise one Query per mode on gsi1 (both modes, merged, when no
 * `filter[mode]`), the time range as its key condition and status and route as its filter:
 * a filter costs what the Query reads in the range, bounded per page (range-pages.ts).
 */
export async function listRequestLogs(principal: { organizationId: string }, query: RequestLogQuery) {
  const limit = query['page[limit]'];
  const offset = query['page[offset]'];
  const page = { limit, offset };
  const requestId = query['filter[request-id]'];
  if (requestId !== undefined) {
    const item = await readOne(principal.organizationId, requestId);
    const found = item && offset === 0 && matches(item, query) ? [requestLogResource(item)] : [];
    return { data: found, meta: { page }, links: {} };
  }

  const modes: Mode[] = query['filter[mode]'] ? [query['filter[mode]']] : ['test', 'live'];
  const sources: RangeSource[] = modes.map((mode) => ({
    index: 'gsi1',
    partitionKey: 'gsi1pk',
    partitionValue: requestLogKeys.listPk(principal.organizationId, mode),
    sortKey: 'gsi1sk',
  }));
  const time = query['filter[cmp-created-time]'];
  const result = await readNewestFirst({
    sources,
    range: { from: time?.from === undefined ? undefined : isoAt(time.from), below: time?.below === undefined ? undefined : isoAt(time.below) },
    filters: [unexpired(), ...statusFilter(query['filter[status]']), ...routeFilter(query['filter[route]'])],
    request: { limit, offset, after: query['page[after]'] },
  });
  return {
    data: result.items.map((item) => requestLogResource(item as unknown as RequestLogItem)),
    meta: { page },
    links: result.next ? { next: nextLink(query, result.next) } : {},
  };
}

async function readOne(organizationId: string, requestId: string): Promise<RequestLogItem | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: requestLogKeys.key(organizationId, requestId), ConsistentRead: true }));
  const item = Item as RequestLogItem | undefined;
  return item && item.expires_at > Math.floor(Date.now() / 1000) ? item : undefined;
}

/** The list's filters, checked on one item (the `filter[request-id]` case). */
function matches(item: RequestLogItem, query: RequestLogQuery): boolean {
  const status = query['filter[status]'];
  const route = query['filter[route]'];
  const time = query['filter[cmp-created-time]'];
  const answeredAt = Date.parse(item.created_at);
  const after = query['page[after]'];
  return (
    (query['filter[mode]'] === undefined || item.mode === query['filter[mode]']) &&
    (!status || (item.status >= status.from && item.status <= status.to)) &&
    (!route || ('operationId' in route ? item.operation_id === route.operationId : item.route === route.route)) &&
    (time?.from === undefined || answeredAt >= time.from) &&
    (time?.below === undefined || answeredAt < time.below) &&
    (after === undefined || item.gsi1sk < after)
  );
}

function statusFilter(status: StatusRange | undefined): ListFilter[] {
  if (!status) return [];
  return [{ expression: '#status BETWEEN :statusFrom AND :statusTo', names: { '#status': 'status' }, values: { ':statusFrom': status.from, ':statusTo': status.to } }];
}

function routeFilter(route: RouteFilter | undefined): ListFilter[] {
  if (!route) return [];
  return 'operationId' in route
    ? [{ expression: '#operation = :operation', names: { '#operation': 'operation_id' }, values: { ':operation': route.operationId } }]
    : [{ expression: '#route = :route', names: { '#route': 'route' }, values: { ':route': route.route } }];
}

/** The list's sort key at a moment: every log answered then or later sorts at or after it. */
function isoAt(millis: number): string {
  return new Date(millis).toISOString();
}

/** `links.next`: the same filters (time bounds written as `>=` and `<`), and where the next page starts. */
function nextLink(query: RequestLogQuery, next: { after: string; offset: number }): string {
  const params = new URLSearchParams();
  const mode = query['filter[mode]'];
  const status = query['filter[status]'];
  const route = query['filter[route]'];
  const time = query['filter[cmp-created-time]'];
  if (mode) params.set('filter[mode]', mode);
  if (status) params.set('filter[status]', status.text);
  if (route) params.set('filter[route]', 'operationId' in route ? route.operationId : route.route);
  if (time) params.set('filter[cmp-created-time]', timeRangeText(time));
  params.set('page[limit]', String(query['page[limit]']));
  params.set('page[after]', next.after);
  if (next.offset > 0) params.set('page[offset]', String(next.offset));
  return `/v1/request-logs/?${params.toString()}`;
}

