import type { APIGatewayProxyResult } from 'aws-lambda';
import * as z from 'zod';
import { jsonResponse } from '#shared/http/handler';
import type { OsmaError, ParamError } from '#shared/platform/errors';

/**
 * JSON:API, as the management API speaks it: resources in `{"data": {"type", "id",
 * "attributes"}, "meta"}`, kebab-case attribute names, and every error as one entry of
 * `{"errors": [{"status", "code", "detail", "source"}]}`. The errors come from the same factory
 * as the public API's; only their rendering differs.
 */
export const JSON_API_CONTENT_TYPE = 'application/vnd.api+json';

/** A code for every error: the factory's own, else one that names the status's category. */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'invalid_parameter',
  401: 'not_authenticated',
  403: 'permission_denied',
  404: 'resource_not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  409: 'conflict',
  413: 'body_too_large',
  429: 'too_many_requests',
};

export interface JsonApiError {
  status: number;
  code: string;
  detail: string;
  source?: { pointer: string } | { parameter: string };
}

/** One error entry per parameter when there are any (each naming where it was sent), else one. */
export function jsonApiErrors(error: OsmaError): JsonApiError[] {
  const code = error.code ?? CODE_BY_STATUS[error.status] ?? (error.status >= 500 ? 'internal_error' : 'invalid_request');
  if (!error.params?.length) return [{ status: error.status, code, detail: error.message }];
  return error.params.map((param) => ({ status: error.status, code, detail: param.message, source: sourceOf(param) }));
}

function sourceOf(param: ParamError): JsonApiError['source'] {
  if (param.in === 'body') return { pointer: `/${param.param.split('.').join('/')}` };
  return { parameter: param.param };
}

export function jsonApiErrorResponse(error: OsmaError): APIGatewayProxyResult {
  return jsonResponse(error.status, { errors: jsonApiErrors(error) }, error.headers);
}

/** The errors document, for the OpenAPI description of every error answer. */
export const errorDocument = z
  .object({
    errors: z.array(
      z.object({
        status: z.number().int(),
        code: z.string(),
        detail: z.string(),
        source: z.union([z.object({ pointer: z.string() }), z.object({ parameter: z.string() })]).optional(),
      }),
    ),
  })
  .meta({ id: 'JsonApiErrors' });

/** A resource object of `type` with the given attributes (kebab-case). */
export const resourceObject = <A extends z.ZodObject>(type: string, attributes: A) =>
  z.object({ type: z.literal(type), id: z.string(), attributes });

/** `{"data": <resource>, "meta": {}}`. */
export const resourceDocument = <A extends z.ZodObject>(type: string, attributes: A) =>
  z.object({ data: resourceObject(type, attributes), meta: z.object({}).loose() });

/** A request body that changes a resource: `{"data": {"type", "id"?, "attributes"}}`. */
export const resourceRequest = <A extends z.ZodObject>(type: string, attributes: A) =>
  z.strictObject({
    data: z.strictObject({
      type: z.literal(type, { error: `data.type must be ${type}` }),
      id: z.string().optional(),
      attributes,
    }),
    meta: z.object({}).loose().optional(),
  });

/** The `{id}` of a resource's path. */
export const idPath = z.strictObject({ id: z.string() });

const LIMIT_MESSAGE = 'page[limit] must be an integer from 1 to 1000';
const OFFSET_MESSAGE = 'page[offset] must be an integer of 0 or more';

/** The seed's paging: `page[limit]` 1..1000 (default 100) and `page[offset]` from 0. */
export const pageQuery = {
  'page[limit]': z.coerce
    .number({ error: LIMIT_MESSAGE })
    .int({ error: LIMIT_MESSAGE })
    .min(1, { error: LIMIT_MESSAGE })
    .max(1000, { error: LIMIT_MESSAGE })
    .default(100)
    .meta({ description: 'How many resources a page holds, 1 to 1000.' }),
  'page[offset]': z.coerce
    .number({ error: OFFSET_MESSAGE })
    .int({ error: OFFSET_MESSAGE })
    .min(0, { error: OFFSET_MESSAGE })
    .default(0)
    .meta({ description: 'How many resources to skip.' }),
};

/** `{"data": [<resource>...], "meta": {"page": ...}, "links": {"next"?}}`. */
export const listDocument = <A extends z.ZodObject>(type: string, attributes: A) =>
  z.object({
    data: z.array(resourceObject(type, attributes)),
    meta: z.object({ page: z.object({ limit: z.number().int(), offset: z.number().int(), total: z.number().int().optional() }) }),
    links: z.object({ next: z.string().optional() }),
  });

/**
 * A list paged by cursor (`page[limit]`, `page[after]`, `page[before]`): `links.next` and
 * `links.prev` name the pages on either side while there are any.
 */
export const cursorListDocument = <A extends z.ZodObject>(type: string, attributes: A) =>
  z.object({
    data: z.array(resourceObject(type, attributes)),
    meta: z.object({ page: z.object({ limit: z.number().int() }) }),
    links: z.object({
      next: z.string().optional().meta({ description: 'The next (older) page, when there is one.' }),
      prev: z.string().optional().meta({ description: 'The previous (newer) page, when there is one.' }),
    }),
  });
