import middy from '@middy/core';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { z } from 'zod';
import { errors, OsmaError } from '#shared/errors';
import { logger } from '#shared/logger';
import type { RouteDefinition } from '#shared/routes';
import type { Mode, Scope } from '#shared/table';
import { parseInput } from '#shared/validation';

type Output<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;

export interface ApiRequest<R extends RouteDefinition> {
  scope: R['auth'] extends 'apiKey' ? Scope : undefined;
  params: Output<R['request']['path']>;
  query: Output<R['request']['query']>;
  body: Output<R['request']['body']>;
  requestId: string;
}

/** What the authorizer hands every handler, in API Gateway's `requestContext.authorizer`. */
export interface AuthorizerContext {
  organization_id: string;
  mode: Mode;
}

export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * Wraps a domain call as a Lambda handler for one route: the route's schemas validate the
 * input, the call's return value becomes the JSON body with the route's success status, and
 * the envelope middleware gives every answer, errors included, the spec's shape.
 */
export function apiHandler<R extends RouteDefinition>(
  route: R,
  handle: (request: ApiRequest<R>) => Promise<unknown>,
): ApiHandler {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(httpEnvelope(route))
    .handler(async (event) => {
      const body = await handle(readRequest(route, event));
      return jsonResponse(route.success.status, body);
    });
}

export function readRequest<R extends RouteDefinition>(route: R, event: APIGatewayProxyEvent): ApiRequest<R> {
  const { path, query, body } = route.request;
  return {
    scope: (route.auth === 'apiKey' ? scopeOf(event) : undefined) as ApiRequest<R>['scope'],
    params: (path ? parseInput(path, event.pathParameters ?? {}) : {}) as ApiRequest<R>['params'],
    query: (query ? parseInput(query, event.queryStringParameters ?? {}) : {}) as ApiRequest<R>['query'],
    body: (body ? parseInput(body, parseJsonBody(event)) : {}) as ApiRequest<R>['body'],
    requestId: event.requestContext.requestId,
  };
}

function scopeOf(event: APIGatewayProxyEvent): Scope {
  const context = event.requestContext.authorizer as Partial<AuthorizerContext> | null | undefined;
  // The authorizer always sets both; their absence means the route was wired without it.
  if (!context?.organization_id || (context.mode !== 'test' && context.mode !== 'live')) throw errors.missingApiKey();
  return { organizationId: context.organization_id, mode: context.mode };
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

/**
 * The outermost middleware: turns any error into the spec's error body (never a stack),
 * stamps the `request-id` header on every answer, and writes the one log line per request
 * that carries that id.
 */
export function httpEnvelope(route: RouteDefinition): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const started = new WeakMap<object, number>();
  const finish = (request: middy.Request<APIGatewayProxyEvent, APIGatewayProxyResult>) => {
    const { event } = request;
    const requestId = event.requestContext.requestId;
    const response = request.response!;
    response.headers = { ...response.headers, 'request-id': requestId };
    const authorizer = event.requestContext.authorizer as Partial<AuthorizerContext> | null | undefined;
    logger.info('request', {
      request_id: requestId,
      route: route.operationId,
      method: event.httpMethod,
      path: event.path,
      status: response.statusCode,
      duration_ms: Math.round(performance.now() - (started.get(event) ?? performance.now())),
      organization_id: authorizer?.organization_id,
      mode: authorizer?.mode,
    });
  };
  return {
    before: (request) => {
      started.set(request.event, performance.now());
    },
    after: finish,
    onError: (request) => {
      const { error } = request;
      if (error instanceof OsmaError) {
        request.response = errorResponse(error);
      } else {
        logger.error('unhandled error', { request_id: request.event.requestContext.requestId, error: error as Error });
        request.response = errorResponse(errors.internal());
      }
      finish(request);
    },
  };
}
