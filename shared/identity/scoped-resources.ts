import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { auditItem, type AuditAction, type AuditData } from '#shared/identity/audit/audit';
import type { SessionPrincipal } from '#shared/identity/principal';
import { tableName } from '#shared/platform/config';
import { errors, OsmaError, type ParamError } from '#shared/platform/errors';
import type { Page, PageRequest } from '#shared/platform/pagination';
import type { Mode, Scope } from '#shared/platform/table';

/**
 * What the management API's views of the public API's resources (webhook endpoints, events,
 * task templates) share: the mode a call names, the public objects as JSON:API resources, the
 * public domain's errors pointed at where the management request sent each parameter, cursor
 * pages, and the audit item a change writes. docs/management-resources.md says why each is so.
 */

export const MODES = ['test', 'live'] as const satisfies readonly Mode[];

const FILTER_MODE_MESSAGE = 'filter[mode] must be test or live';

/** `filter[mode]`, required on every call that names no mode in its body. */
export const modeFilter = {
  'filter[mode]': z
    .enum(MODES, { error: FILTER_MODE_MESSAGE })
    .meta({ description: 'The mode the resources belong to: `test` or `live`. Required: ids never cross modes.' }),
};

/** `mode`, the attribute a create names its mode with. */
export const modeAttribute = z.enum(MODES, { error: 'mode must be test or live' }).meta({ description: '`test` or `live`.' });

/** Whose and which mode's resources a call acts on: always the caller's own organization. */
export function scopeOf(principal: SessionPrincipal, mode: Mode): Scope {
  return { organizationId: principal.organizationId, mode };
}

/* ---------- public objects as JSON:API resources ---------- */

/** `disabled_reason` -> `disabled-reason`. */
export function kebab(name: string): string {
  return name.replaceAll('_', '-');
}

function unwrap(schema: z.ZodType): z.ZodType {
  let inner = schema;
  while (inner instanceof z.ZodNullable || inner instanceof z.ZodOptional || inner instanceof z.ZodDefault) {
    inner = inner.unwrap() as z.ZodType;
  }
  return inner;
}

/**
 * A public schema with kebab-case keys, for the JSON:API document: objects and lists of
 * objects are renamed all the way down; records (metadata, an event's data, a template's
 * parameters) hold the consumer's own keys and are left as they are.
 */
export function kebabSchema(schema: z.ZodType): z.ZodType {
  const inner = unwrap(schema);
  let renamed: z.ZodType;
  if (inner instanceof z.ZodObject) {
    renamed = z.object(Object.fromEntries(Object.entries(inner.shape).map(([key, field]) => [kebab(key), kebabSchema(field as z.ZodType)])));
  } else if (inner instanceof z.ZodArray && unwrap(inner.element as z.ZodType) instanceof z.ZodObject) {
    renamed = z.array(kebabSchema(inner.element as z.ZodType));
  } else {
    return schema;
  }
  if (schema.safeParse(null).success) renamed = renamed.nullable();
  if (schema.safeParse(undefined).success) renamed = renamed.optional();
  return renamed;
}

/** A public value renamed as `kebabSchema` renames its schema. */
export function kebabValue(schema: z.ZodType, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject && typeof value === 'object') {
    const shape = inner.shape as Record<string, z.ZodType>;
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, field]) => [kebab(key), shape[key] ? kebabValue(shape[key], field) : field]),
    );
  }
  if (inner instanceof z.ZodArray && Array.isArray(value)) return value.map((item) => kebabValue(inner.element as z.ZodType, item));
  return value;
}

/** How a public object becomes a resource: the field that is its id, and the name its own `id` goes by when that is another field. */
export interface ResourceShape {
  type: string;
  /** The public object's schema. */
  schema: z.ZodObject;
  /** The field whose value is the resource's id; `id` by default. */
  idField?: string;
  /** Where the public `id` goes when it is not the resource's id (JSON:API keeps the name `id` for that). */
  idAttribute?: string;
}

/** The attributes of a resource: the public object's fields but its id and `live_mode`, kebab-cased, with `mode` first. */
export function resourceAttributes(shape: ResourceShape): z.ZodObject {
  const { id: _id, live_mode: _liveMode, ...fields } = shape.schema.shape as Record<string, z.ZodType>;
  const renamed = kebabSchema(z.object(fields)) as z.ZodObject;
  return z.object({
    mode: z.enum(MODES),
    ...(shape.idAttribute && { [shape.idAttribute]: z.string() }),
    ...renamed.shape,
  });
}

/** A public object as the JSON:API resource `resourceAttributes` describes. */
export function toResource(shape: ResourceShape, mode: Mode, object: Record<string, unknown>) {
  const { id, live_mode: _liveMode, ...fields } = object;
  const idField = shape.idField ?? 'id';
  return {
    type: shape.type,
    id: String(idField === 'id' ? id : object[idField]),
    attributes: {
      mode,
      ...(shape.idAttribute && { [shape.idAttribute]: id }),
      ...(kebabValue(shape.schema, fields) as Record<string, unknown>),
    },
  };
}

/* ---------- the public domain's errors, where the management request sent each parameter ---------- */

/** Where a route sends what the public domain names: body attributes under `body`, and query parameters by their public names. */
export interface ParamPlaces {
  /** The body's path to the attributes: `data.attributes` for a resource, empty for a flat action body. */
  body: string;
  /** Public query parameter names and the management names they are sent as. */
  query?: Record<string, string>;
}

/** The query parameters of a cursor page, by the public domain's names for them. */
export const CURSOR_PARAMS = { starting_after: 'page[after]', ending_before: 'page[before]' };

/**
 * Runs a public domain call and hands back its errors with each parameter named as this
 * request sent it: `url` becomes the pointer `/data/attributes/url`, `disabled_reason`
 * `/data/attributes/disabled-reason`, `metadata.plan` `/data/attributes/metadata/plan` (the
 * consumer's own keys kept), `starting_after` the parameter `page[after]`. A parameter that
 * already says where it was sent (the route's own validation) stays.
 */
export async function inRequestTerms<T>(places: ParamPlaces, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof OsmaError) || !error.params?.some((param) => param.in === undefined)) throw error;
    throw errors.relocated(
      error,
      error.params.map((param) => (param.in === undefined ? placed(param, places) : param)),
    );
  }
}

function placed(param: ParamError, places: ParamPlaces): ParamError {
  const query = places.query?.[param.param];
  if (query) return { param: query, message: renamedIn(param.message, param.param, query), in: 'query' };
  const [first = '', ...rest] = param.param.split('.');
  const name = kebab(first);
  return {
    param: [...(places.body ? [places.body] : []), name, ...rest].join('.'),
    message: renamedIn(param.message, first, name),
    in: 'body',
  };
}

function renamedIn(message: string, from: string, to: string): string {
  if (from === to) return message;
  return message.replace(new RegExp(`(?<![\\w-])${from.replace(/[^\w]/g, '\\$&')}(?![\\w-])`, 'g'), to);
}

/** A JSON:API body may repeat the resource's id; one that names another resource is refused. */
export function assertSameId(bodyId: string | undefined, pathId: string): void {
  if (bodyId !== undefined && bodyId !== pathId) {
    throw errors.invalidParams([{ param: 'data.id', message: 'data.id must be the id in the path', in: 'body' }]);
  }
}

/* ---------- cursor pages ---------- */

const LIMIT_MESSAGE = 'page[limit] must be an integer from 1 to 100';
const CURSOR_MESSAGE = (name: string) => `${name} must be an id of at most 100 characters`;

/**
 * Lists page by cursor, as the public API's do: an offset would make every page read all the
 * pages before it. `page[after]` is the last id of the page before (what `links.next` carries),
 * `page[before]` the first id of the page after (what `links.prev` carries).
 */
export const cursorPageQuery = {
  'page[limit]': z.coerce
    .number({ error: LIMIT_MESSAGE })
    .int({ error: LIMIT_MESSAGE })
    .min(1, { error: LIMIT_MESSAGE })
    .max(100, { error: LIMIT_MESSAGE })
    .default(20)
    .meta({ description: 'How many resources a page holds, 1 to 100 (default 20).' }),
  'page[after]': z
    .string()
    .max(100, { error: CURSOR_MESSAGE('page[after]') })
    .optional()
    .meta({ description: 'The page after this id (newest first): what `links.next` carries.' }),
  'page[before]': z
    .string()
    .max(100, { error: CURSOR_MESSAGE('page[before]') })
    .optional()
    .meta({ description: 'The page before this id: what `links.prev` carries.' }),
};

export type CursorPageQuery = { 'page[limit]': number; 'page[after]'?: string; 'page[before]'?: string };

export function pageRequest(query: CursorPageQuery): PageRequest {
  return { limit: query['page[limit]'], starting_after: query['page[after]'], ending_before: query['page[before]'] };
}

/**
 * A page as a JSON:API list: its resources, and links to the pages on either side that the
 * page knows of (`next` when more follow, `prev` when it did not start at the newest).
 */
export function listAnswer<T, R extends { id: string }>(
  page: Page<T>,
  query: CursorPageQuery & Record<string, unknown>,
  path: string,
  resource: (object: T) => R,
  cursorOf: (object: T) => string = (object) => (object as { id: string }).id,
) {
  const data = page.data.map(resource);
  const backwards = query['page[before]'] !== undefined;
  const first = page.data[0];
  const last = page.data.at(-1);
  const link = (cursor: Record<string, string>) => {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (!name.startsWith('page[') && value !== undefined) params.set(name, String(value));
    }
    params.set('page[limit]', String(query['page[limit]']));
    for (const [name, value] of Object.entries(cursor)) params.set(name, value);
    return `${path}?${params}`;
  };
  const hasNext = backwards ? true : page.has_next;
  const hasPrev = backwards ? page.has_next : query['page[after]'] !== undefined;
  return {
    data,
    meta: { page: { limit: query['page[limit]'] } },
    links: {
      ...(hasNext && last && { next: link({ 'page[after]': cursorOf(last) }) }),
      ...(hasPrev && first && { prev: link({ 'page[before]': cursorOf(first) }) }),
    },
  };
}

/* ---------- audit ---------- */

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Where a change came from, for its audit item. */
export interface ChangeSource {
  ip?: string;
  userAgent?: string;
}

/** Who makes a change, and from where. */
export interface Caller {
  principal: SessionPrincipal;
  source: ChangeSource;
}

/** The caller of a management request, from what the surface hands its handler. */
export function callerOf(request: { principal: SessionPrincipal; sourceIp: string; userAgent: string | undefined }): Caller {
  return { principal: request.principal, source: { ip: request.sourceIp, userAgent: request.userAgent } };
}

/**
 * The audit item of a change made through the management API, to write in the change's own
 * transaction. `data` says what changed (names, modes, statuses), never a URL (it may carry a
 * token) or a secret.
 */
export function auditWrite(
  principal: SessionPrincipal,
  source: ChangeSource,
  action: AuditAction,
  target: { type: string; id: string },
  data: AuditData,
): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: auditItem({
        organizationId: principal.organizationId,
        action,
        actor: { type: 'user', id: principal.userId },
        target,
        ip: source.ip,
        userAgent: source.userAgent,
        data,
      }),
    },
  };
}
