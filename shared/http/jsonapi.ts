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

/** A time range in milliseconds since the epoch: `from` inclusive, `below` exclusive; either may be open. */
export interface TimeRange {
  from?: number;
  below?: number;
}

const COMPARISON = /^(>=|<=|>|<)(.+)$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * The seed's time filter, `filter[cmp-<attribute>]`: one or two comparisons, comma-separated,
 * each a comparator (`>`, `>=`, `<`, `<=`) and an ISO 8601 time with its offset (or a date:
 * midnight UTC), at most 40 characters each; two make a bounded range. Parsed into a TimeRange.
 * (One parameter, not a repeated one: API Gateway hands a function only the last value of a
 * repeated query parameter, which would silently drop a bound.)
 */
export function timeComparisons(param: string, attribute: string) {
  const problem = `${param} takes one or two comparisons, comma-separated, such as >=2025-01-01T00:00:00Z,<2025-02-01T00:00:00Z`;
  return z
    .string()
    .max(100)
    .transform((text, ctx): TimeRange => {
      const range: TimeRange = {};
      const parts = text.split(',').map((part) => part.trim());
      if (parts.length > 2) return (ctx.addIssue({ code: 'custom', message: problem }), z.NEVER);
      for (const part of parts) {
        const [, comparator, time] = COMPARISON.exec(part) ?? [];
        const millis = time !== undefined && part.length <= 40 && DATE_TIME.test(time) ? Date.parse(time) : Number.NaN;
        if (!comparator || !Number.isFinite(millis)) return (ctx.addIssue({ code: 'custom', message: problem }), z.NEVER);
        const lower = comparator.startsWith('>');
        if (lower ? range.from !== undefined : range.below !== undefined) {
          return (ctx.addIssue({ code: 'custom', message: `${param} takes at most one lower (> or >=) and one upper (< or <=) bound` }), z.NEVER);
        }
        if (lower) range.from = comparator === '>' ? millis + 1 : millis;
        else range.below = comparator === '<=' ? millis + 1 : millis;
      }
      return range;
    })
    .optional()
    .meta({
      description: `Compare ${attribute} with a time: \`[comparator][datetime]\`, comparators >, >=, <, <=; two, comma-separated, make a bounded range.`,
      example: '>=2025-01-01T00:00:00Z,<2025-01-02T00:00:00Z',
    });
}
