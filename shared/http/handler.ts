import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { errors, OsmaError } from '#shared/platform/errors';
import { logger } from '#shared/platform/logger';
import { requestState } from '#shared/http/middleware/request-state';
import type { RouteDefinition } from '#shared/http/route';
import type { Middleware, Surface } from '#shared/http/surface';
import { parseInput } from '#shared/http/validation';
import * as z from 'zod';
import { bodyProblems } from '#shared/platform/storable';

type Output<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;

/** A request's input, parsed by its route's schemas. */
export interface HttpRequest<R extends RouteDefinition> {
  params: Output<R['request']['path']>;
  query: Output<R['request']['query']>;
  body: Output<R['request']['body']>;
  requestId: string;
}

/** A Lambda handler of one route; it names the route it was made for. */
export type ApiHandler = ((event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>) & {
  route: RouteDefinition;
};

/** A handler's answer that is not JSON (the YAML document): sent as it is. */
export class TextBody {
  constructor(
    readonly text: string,
    readonly contentType: string,
  ) {}
}

/**
 * A handler's answer with headers of its own (the cookies a browser's sign-in sets): its body is
 * answered as any other (JSON, a TextBody, nothing on a 204) with the route's status. A header
 * given as a list is sent once per value (`set-cookie` cannot be joined with commas).
 */
export class HttpAnswer {
  constructor(
    readonly body: unknown,
    readonly headers: Record<string, string | string[]>,
  ) {}
}

/**
 * Wraps a domain call as a Lambda handler for one route of a surface: the route's schemas
 * validate the input, the call's return value becomes the body with the route's success
 * status, and the surface's guarantees are kept around it, the same for every route:
 *
 *   envelope          errors in the API's shape, request-id (on every log line too), the request's log line
 *   surface.outer     guarantees that may refuse a request before any work (public API:
 *                     version selection, then the rate limit)
 *   ┌ bodyShape       a body that nothing may read (a __proto__ key, absurd nesting): 400
 *   │ surface.inner   guarantees an idempotent replay must repeat (public API: idempotency,
 *   │                 then the version's request and answer shapes)
 *   │ errorResponses  errors become answers here, so that idempotency stores them too
 *   └ the route's handler
 *
 * The boxed part is its own middy handler: a replayed answer ends it early and still passes
 * back out through the outer layers (fresh request-id, rate-limit headers, log line), and
 * everything inside answers with a response rather than an exception.
 */
export function surfaceHandler<C extends object, R extends RouteDefinition>(
  surface: Surface<C>,
  route: R,
  handle: (request: HttpRequest<R> & C) => Promise<unknown>,
): ApiHandler {
  const unit = middy<APIGatewayProxyEvent, APIGatewayProxyResult>({ timeoutEarlyInMillis: 0 }).use(bodyShape());
  for (const middleware of surface.inner(route)) unit.use(middleware);
  const idempotentUnit = unit
    .use(errorResponses(surface.renderError))
    .handler(async (event) => {
      // Who calls, and whether the route lets them, before their input: a caller the route
      // refuses gets its 403, and learns nothing of what input it takes.
      const context = surface.context(event, route);
      return successResponse(route, await handle({ ...readRequest(route, event), ...context }));
    });
  const outer = middy<APIGatewayProxyEvent, APIGatewayProxyResult>().use(httpEnvelope(route, surface));
  for (const middleware of surface.outer(route)) outer.use(middleware);
  return Object.assign(
    outer.handler((event, context) => idempotentUnit(event, context)),
    { route },
  );
}

/**
 * What a route takes where its definition declares nothing: nothing, checked like any other
 * input. A route without a body schema takes no body, an empty one or `{}` (curl's `--data '{}'`,
 * sent with a form content type), and refuses anything else, malformed JSON and `null` included;
 * a route without a query schema names each query parameter as unknown, as a route with one does.
 */
const NOTHING = z.strictObject({});

export function readRequest<R extends RouteDefinition>(route: R, event: APIGatewayProxyEvent): HttpRequest<R> {
  const { path = NOTHING, query = NOTHING, body = NOTHING } = route.request;
  return {
    params: parseInput(path, event.pathParameters ?? {}, 'path') as HttpRequest<R>['params'],
    query: parseInput(query, event.queryStringParameters ?? {}, 'query') as HttpRequest<R>['query'],
    body: parseInput(body, parseJsonBody(event), 'body') as HttpRequest<R>['body'],
    requestId: event.requestContext.requestId,
  };
}

function successResponse(route: RouteDefinition, body: unknown): APIGatewayProxyResult {
  if (body instanceof HttpAnswer) return withHeaders(successResponse(route, body.body), body.headers);
  if (route.success.status === 204) return { statusCode: 204, headers: {}, body: '' };
  if (body instanceof TextBody) {
    return { statusCode: route.success.status, headers: { 'content-type': body.contentType }, body: body.text };
  }
  return jsonResponse(route.success.status, body);
}

/** API Gateway sends `multiValueHeaders` as repeated headers, merged with `headers`. */
function withHeaders(response: APIGatewayProxyResult, headers: HttpAnswer['headers']): APIGatewayProxyResult {
  for (const [name, value] of Object.entries(headers)) {
    if (Array.isArray(value)) response.multiValueHeaders = { ...response.multiValueHeaders, [name]: value };
    else response.headers = { ...response.headers, [name]: value };
  }
  return response;
}

/**
 * The body is read as JSON whatever its content-type says: the spec's own curl examples send
 * JSON with curl's default form content-type. An empty body is an empty object.
 */
export function parseJsonBody(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): unknown {
  const raw = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (raw == null || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw errors.malformedJson();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw errors.bodyNotObject();
  return parsed;
}

/**
 * Refuses, before anything walks the body (the idempotency fingerprint, version changes, the
 * route's schema), what no route may take wherever it sits: a `__proto__` key, which JSON.parse
 * keeps but every object built from the body would silently drop (or take as its prototype),
 * and nesting so deep that a recursive walk would run out of stack. Anything else, malformed
 * JSON included, is left to the route to answer in its own words.
 */
function bodyShape(): Middleware {
  return {
    before: ({ event }) => {
      let body: unknown;
      try {
        body = parseJsonBody(event);
      } catch {
        return;
      }
      const problems = bodyProblems(body);
      if (problems.length) throw errors.invalidParams(problems);
    },
  };
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

export function errorResponse(error: OsmaError): APIGatewayProxyResult {
  return jsonResponse(error.status, error.toBody(), error.headers);
}

/** Renders an error in a surface's format; the public API's is `errorResponse`. */
export type ErrorRenderer = (error: OsmaError) => APIGatewayProxyResult;

/** Any error as an error answer; anything unexpected is a 500 that shows no internals, logged here. */
export function toErrorResponse(error: unknown, requestId: string, render: ErrorRenderer = errorResponse): APIGatewayProxyResult {
  if (error instanceof OsmaError) return render(error);
  logger.error('unhandled error', { request_id: requestId, error: error as Error });
  return render(errors.internal());
}

/** Turns errors into answers where it stands, so that the middlewares outside it see an answer. */
export function errorResponses(render?: ErrorRenderer): Middleware {
  return {
    onError: (request) => {
      request.response = toErrorResponse(request.error, request.event.requestContext.requestId, render);
    },
  };
}

/**
 * The outermost middleware: turns any error into the spec's error body (never a stack),
 * gives every answer the headers the request's middlewares collected (API version, rate
 * limit) and the `request-id`, and writes the one log line per request that carries that id.
 */
export function httpEnvelope(route: RouteDefinition, surface: Pick<Surface<object>, 'logFields' | 'renderError'>): Middleware {
  const started = new WeakMap<object, number>();
  const finish = (request: middy.Request<APIGatewayProxyEvent, APIGatewayProxyResult>) => {
    const { event } = request;
    const requestId = event.requestContext.requestId;
    const state = requestState(event);
    const response = request.response!;
    // The answer's own headers win: a replayed answer keeps the version it was made at.
    response.headers = { ...state.headers, ...response.headers, 'request-id': requestId };
    logger.info('request', {
      request_id: requestId,
      route: route.operationId,
      // The route as its table declares it (`/members/{id}`): what request logs are filtered by.
      route_path: route.path,
      method: event.httpMethod,
      path: event.path,
      status: response.statusCode,
      duration_ms: Math.round(performance.now() - (started.get(event) ?? performance.now())),
      ...surface.logFields(event, response),
      ...(state.replayed && { idempotent_replayed: true }),
    });
    logger.resetKeys();
  };
  return {
    before: (request) => {
      started.set(request.event, performance.now());
      // Every line the request's code logs carries its id, not only the envelope's own line.
      logger.appendKeys({ request_id: request.event.requestContext.requestId });
    },
    after: finish,
    onError: (request) => {
      request.response = toErrorResponse(request.error, request.event.requestContext.requestId, surface.renderError);
      finish(request);
    },
  };
}
