import * as z from 'zod';
import { listDocument, pageQuery, resourceDocument, timeComparisons } from '#shared/http/jsonapi';
import { routeTable } from '#shared/http/route';
import { REQUEST_ID } from '#shared/identity/request-logs/keys';
import { REQUEST_LOG_TYPE, requestLogAttributes, type RouteFilter, type StatusRange } from '#shared/identity/request-logs/resource';

const STATUS = /^([1-5])(\d\d|xx)$/i;
const OPERATION_ID = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;
const ROUTE = /^(GET|POST|PUT|PATCH|DELETE) (\/\S{0,255})$/i;
/** The list's sort key, as `links.next` hands it back. */
const CURSOR = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[A-Za-z0-9-]{1,64}$/;

export const listRequestLogsQuery = z.strictObject({
  'filter[request-id]': z
    .string()
    .refine((id) => REQUEST_ID.test(id), { error: 'filter[request-id] must be a request id, as the request-id header gave it' })
    .optional()
    .meta({ description: 'The request with this id (the `request-id` header of its answer): one read.' }),
  'filter[mode]': z.enum(['test', 'live']).optional().meta({ description: 'Requests made with a key of this mode; both when not given.' }),
  'filter[status]': z
    .string()
    .transform((text, ctx): StatusRange => {
      const [, hundreds, rest] = STATUS.exec(text) ?? [];
      if (!hundreds) return (ctx.addIssue({ code: 'custom', message: 'filter[status] must be a status (404) or a class (4xx)' }), z.NEVER);
      const base = Number(hundreds) * 100;
      return rest!.toLowerCase() === 'xx' ? { text: `${hundreds}xx`, from: base, to: base + 99 } : { text, from: Number(text), to: Number(text) };
    })
    .optional()
    .meta({ description: 'A status (`404`) or a class of statuses (`4xx`).', example: '4xx' }),
  'filter[route]': z
    .string()
    .transform((text, ctx): RouteFilter => {
      if (OPERATION_ID.test(text)) return { operationId: text };
      const [, method, path] = ROUTE.exec(text) ?? [];
      if (method) return { route: `${method.toUpperCase()} ${path}` };
      return (ctx.addIssue({ code: 'custom', message: 'filter[route] must be an operationId (getMember) or a route (GET /members/{id})' }), z.NEVER);
    })
    .optional()
    .meta({ description: 'An operationId of the public API (`getMember`) or its route (`GET /members/{id}`).', example: 'GET /members/{id}' }),
  'filter[cmp-created-time]': timeComparisons('filter[cmp-created-time]', 'the time the request was answered'),
  'page[after]': z
    .string()
    .refine((cursor) => CURSOR.test(cursor), { error: 'page[after] must be the value links.next gave' })
    .optional()
    .meta({ description: 'Where the page starts: what `links.next` carries.' }),
  ...pageQuery,
});

const requestIdPath = z.strictObject({ id: z.string().max(1_024).meta({ description: 'The request id: the `request-id` header of its answer.' }) });

export const requestLogRoutes = routeTable(
  { functions: 'identity/request-logs', tag: 'Request logs', auth: 'session' },
  {
    listRequestLogs: {
      method: 'GET',
      path: '/v1/request-logs/',
      handler: 'list',
      permission: 'request-logs.read',
      summary: "List the public API's requests of your organization, newest first: by request id, mode, status, route and time",
      request: { query: listRequestLogsQuery },
      success: {
        status: 200,
        description: 'The requests, newest first. A page may hold fewer than page[limit] when a filter matched little of what one page may read: follow links.next.',
        schema: listDocument(REQUEST_LOG_TYPE, requestLogAttributes),
      },
      errors: [403],
    },
    getRequestLog: {
      method: 'GET',
      path: '/v1/request-logs/{id}/',
      handler: 'get',
      permission: 'request-logs.read',
      summary: 'Get the log of one public API request by its request id',
      request: { path: requestIdPath },
      success: { status: 200, description: 'The request.', schema: resourceDocument(REQUEST_LOG_TYPE, requestLogAttributes) },
      errors: [403, 404],
    },
  },
);
