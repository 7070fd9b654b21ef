import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { RouteDefinition } from '#shared/http/route';
import type { OsmaError } from '#shared/platform/errors';

export type Middleware = MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult>;

/**
 * What the routes of one plane share: how a request's principal is read from what the
 * authorizer left, which guarantees wrap its handlers, and what its log line says. The
 * handler wrapper takes a surface, so a second plane is a second route table and a second
 * surface, not a copy of the wrapper. (The OpenAPI generator and the CDK API construct take
 * the plane's document and authorizer description beside it: `shared/http/openapi.ts`,
 * `infra/http/rest-api.ts`.)
 */
export interface Surface<Context> {
  /** What the handler is given beside its input: the principal, read for this route. */
  context(event: APIGatewayProxyEvent, route: RouteDefinition): Context;
  /**
   * The guarantees, in order, between the envelope and the idempotent unit (`outer`: they may
   * refuse a request before any work) and inside it (`inner`: what an idempotent replay must
   * repeat as it was first answered).
   */
  outer(route: RouteDefinition): Middleware[];
  inner(route: RouteDefinition): Middleware[];
  /** Fields about the principal (and the answer) for the request's log line. */
  logFields(event: APIGatewayProxyEvent, response: APIGatewayProxyResult): Record<string, unknown>;
  /** The plane's error format. @default the public API's (`errorResponse` in handler.ts) */
  renderError?(error: OsmaError): APIGatewayProxyResult;
}
