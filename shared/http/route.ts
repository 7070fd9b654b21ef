import type { z } from 'zod';

/**
 * A route: one HTTP method on one path, served by one Lambda function. Each plane gathers its
 * resources' route tables into one list, from which the CDK stack makes a function per route,
 * the local gateway routes requests, handlers validate their input and the plane's OpenAPI
 * document is written.
 */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** How a route's caller is authenticated; each surface names the kinds it serves. */
export type RouteAuth = 'apiKey' | 'session' | 'none';

/** What a function may do to the table: the least its grant allows. */
export type TableAccess = 'read' | 'readWrite' | 'none';

export interface RouteDefinition {
  operationId: string;
  method: HttpMethod;
  /** API Gateway style: `/members/{id}`. */
  path: string;
  /** The handler module under functions/, without extension; it exports `handler`. */
  handler: string;
  auth: RouteAuth;
  tableAccess: TableAccess;
  /**
   * What the function may do in the files bucket, only within the file key scheme: presign
   * uploads (`upload`: s3:PutObject) or check objects and presign downloads (`download`:
   * s3:GetObject). Absent: no access to the bucket at all.
   */
  fileAccess?: 'upload' | 'download';
  /**
   * The route sends mail: its function gets the stage's sender (OSMA_MAIL_FROM, and SES on that
   * sender only) and the dashboard's URL (OSMA_DASHBOARD_URL) for the links. @default false
   */
  sendsMail?: boolean;
  /**
   * What a session route's caller must be allowed to do: a permission of the plane's role
   * table, checked before the handler runs, or `self` for a route any signed-in person calls
   * about themselves (the handler then keeps them to their own things). Every session route
   * names one; a unit test holds the plane to it.
   */
  permission?: string;
  summary: string;
  tags: string[];
  /** A part left out takes nothing: any query parameter, or any body but none or `{}`, is a 400. */
  request: {
    path?: z.ZodObject;
    query?: z.ZodObject;
    body?: z.ZodObject;
  };
  /** The success response; error responses follow from the auth and request parts. */
  success: {
    status: 200 | 201 | 204;
    description: string;
    schema: z.ZodType;
    /** `application/json` unless said otherwise; other types are answered as text. */
    contentType?: 'application/json' | 'application/yaml';
  };
  /** Error statuses this route can answer beyond the ones every route can. */
  errors?: number[];
}

/** A route table entry: what differs from its resource's defaults. */
export type RouteEntry = Omit<RouteDefinition, 'operationId' | 'handler' | 'auth' | 'tableAccess' | 'tags'> & {
  /** The handler's file in the resource's functions folder, e.g. `get` for `functions/api/members/get.ts`. */
  handler: string;
  auth?: RouteAuth;
  tableAccess?: TableAccess;
  tags?: string[];
};

/** What every route of one resource shares. */
export interface ResourceDefaults<A extends RouteAuth> {
  /** The folder of its handlers under functions/, e.g. `api/members`. */
  functions: string;
  /** Its OpenAPI tag. */
  tag: string;
  auth: A;
}

export type Resolved<E extends RouteEntry, K extends string, A extends RouteAuth> = Omit<E, 'auth' | 'handler'> & {
  operationId: K;
  handler: string;
  auth: E['auth'] extends RouteAuth ? E['auth'] : A;
  tableAccess: TableAccess;
  tags: string[];
};

/**
 * A resource's routes with its defaults filled in: the operation id is the entry's key, the
 * authentication the resource's, table access follows the method (a GET reads, anything else
 * reads and writes), the tag is the resource's.
 */
export function routeTable<const A extends RouteAuth, const T extends Record<string, RouteEntry>>(
  defaults: ResourceDefaults<A>,
  entries: T,
): { [K in keyof T & string]: Resolved<T[K], K, A> } {
  const table: Record<string, RouteDefinition> = {};
  for (const [operationId, entry] of Object.entries(entries)) {
    table[operationId] = {
      ...entry,
      operationId,
      handler: `${defaults.functions}/${entry.handler}`,
      auth: entry.auth ?? defaults.auth,
      tableAccess: entry.tableAccess ?? (entry.method === 'GET' ? 'read' : 'readWrite'),
      tags: entry.tags ?? [defaults.tag],
    };
  }
  return table as { [K in keyof T & string]: Resolved<T[K], K, A> };
}
