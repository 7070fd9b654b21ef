import type * as z from 'zod';
import {
  createDocument,
  type ZodOpenApiObject,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import { stringify } from 'yaml';
import type { RouteDefinition } from '#shared/http/route';

/**
 * An OpenAPI 3.1 document, written from a plane's route table and the zod schemas that route
 * and validate its requests: a route added to the table appears with its parameters, body and
 * answers, with nothing else to edit. What differs between planes (the document's info and
 * security scheme, the headers every request may send and every answer carries, the error
 * answers) comes from the plane's document surface.
 */
export interface DocumentSurface {
  info: ZodOpenApiObject['info'];
  servers?: ZodOpenApiObject['servers'];
  securitySchemes: NonNullable<NonNullable<ZodOpenApiObject['components']>['securitySchemes']>;
  /** The security requirements of a route: none for an open one. */
  security(route: RouteDefinition): NonNullable<ZodOpenApiOperationObject['security']>;
  /** Headers the route's requests may send. */
  requestHeaders(route: RouteDefinition): z.ZodObject | undefined;
  /** Headers the route's success answer carries. */
  successHeaders(route: RouteDefinition): z.ZodObject;
  /** The route's error answers by status. */
  errorResponses(route: RouteDefinition): ZodOpenApiResponsesObject;
}

export type OpenApiDocument = ReturnType<typeof createDocument>;

export function buildOpenApiDocument(surface: DocumentSurface, routes: RouteDefinition[]): OpenApiDocument {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const item = (paths[route.path] ??= {});
    item[route.method.toLowerCase() as Lowercase<RouteDefinition['method']>] = operation(surface, route);
  }
  return createDocument({
    openapi: '3.1.0',
    info: surface.info,
    ...(surface.servers && { servers: surface.servers }),
    security: Object.keys(surface.securitySchemes).map((name) => ({ [name]: [] })),
    tags: [...new Set(routes.flatMap((route) => route.tags))].map((name) => ({ name })),
    paths,
    components: { securitySchemes: surface.securitySchemes },
  });
}

function operation(surface: DocumentSurface, route: RouteDefinition): ZodOpenApiOperationObject {
  const contentType = route.success.contentType ?? 'application/json';
  const headers = surface.requestHeaders(route);
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: route.tags,
    security: surface.security(route),
    requestParams: {
      ...(route.request.path && { path: route.request.path }),
      ...(route.request.query && { query: route.request.query }),
      ...(headers && { header: headers }),
    },
    ...(route.request.body && {
      requestBody: {
        required: !route.request.body.safeParse({}).success,
        content: { 'application/json': { schema: route.request.body } },
      },
    }),
    responses: {
      [`${route.success.status}`]: {
        description: route.success.description,
        headers: surface.successHeaders(route),
        // A 204 has no body, so it names no content.
        ...(route.success.status !== 204 && { content: { [contentType]: { schema: route.success.schema } } }),
      },
      ...surface.errorResponses(route),
    },
  };
}

/**
 * A document as served: built on first use and serialized once per cold start (it is some
 * 100 KB, and the same on every call). YAML is written by YAML 1.1 rules, which quote more
 * than 1.2 does, so that parsers of either version read the same document: unquoted,
 * `version: 2022-07-19` is a date to a YAML 1.1 parser such as PyYAML, and an OpenAPI
 * version must be a string.
 */
export function servedDocument(build: () => OpenApiDocument) {
  let document: OpenApiDocument | undefined;
  let json: string | undefined;
  let yaml: string | undefined;
  const get = () => (document ??= build());
  return {
    document: get,
    json: () => (json ??= JSON.stringify(get())),
    yaml: () => (yaml ??= stringify(get(), { version: '1.1', aliasDuplicateObjects: false, lineWidth: 0 })),
  };
}
