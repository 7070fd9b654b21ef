import type { z } from 'zod';
import { createMemberBody, member, updateMemberBody } from '#shared/members/schemas';
import { idPath, listOf, listQuery, openApiDocumentBody, openApiYamlBody } from '#shared/schemas';

/**
 * The route table: the one list from which the CDK stack makes a function per route, the
 * local gateway routes requests, handlers validate their input, and the OpenAPI document is
 * written. Adding an endpoint is one entry here and one handler file under functions/.
 */
export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface RouteDefinition {
  operationId: string;
  method: HttpMethod;
  /** API Gateway style: `/members/{id}`. */
  path: string;
  /** The handler module under functions/, without extension; it exports `handler`. */
  handler: string;
  /** `apiKey`: the authorizer resolves `osma-api-key` to an organization and mode. */
  auth: 'apiKey' | 'none';
  /** What the function may do to the table: the least its grant allows. */
  tableAccess: 'read' | 'readWrite' | 'none';
  summary: string;
  tags: string[];
  request: {
    path?: z.ZodObject;
    query?: z.ZodObject;
    body?: z.ZodObject;
  };
  /** The success response; error responses follow from the auth and request parts. */
  success: {
    status: 200 | 201;
    description: string;
    schema: z.ZodType;
    /** `application/json` unless said otherwise; other types are answered as text. */
    contentType?: 'application/json' | 'application/yaml';
  };
  /** Error statuses this route can answer beyond the ones every route can. */
  errors?: number[];
}

const define = <const R extends RouteDefinition>(route: R): R => route;

export const routes = {
  createMember: define({
    operationId: 'createMember',
    method: 'POST',
    path: '/members',
    handler: 'members/create',
    auth: 'apiKey',
    tableAccess: 'readWrite',
    summary: 'Create a member',
    tags: ['Members'],
    request: { body: createMemberBody },
    success: { status: 201, description: 'The new member.', schema: member },
    errors: [409],
  }),
  getMember: define({
    operationId: 'getMember',
    method: 'GET',
    path: '/members/{id}',
    handler: 'members/get',
    auth: 'apiKey',
    tableAccess: 'read',
    summary: 'Get one member',
    tags: ['Members'],
    request: { path: idPath },
    success: { status: 200, description: 'The member.', schema: member },
    errors: [404],
  }),
  updateMember: define({
    operationId: 'updateMember',
    method: 'POST',
    path: '/members/{id}',
    handler: 'members/update',
    auth: 'apiKey',
    tableAccess: 'readWrite',
    summary: 'Update a member',
    tags: ['Members'],
    request: { path: idPath, body: updateMemberBody },
    success: { status: 200, description: 'The updated member.', schema: member },
    errors: [404, 409],
  }),
  deleteMember: define({
    operationId: 'deleteMember',
    method: 'DELETE',
    path: '/members/{id}',
    handler: 'members/delete',
    auth: 'apiKey',
    tableAccess: 'readWrite',
    summary: 'Delete a member (soft)',
    tags: ['Members'],
    request: { path: idPath },
    success: { status: 200, description: 'The member, with status deleted.', schema: member },
    errors: [404],
  }),
  listMembers: define({
    operationId: 'listMembers',
    method: 'GET',
    path: '/members',
    handler: 'members/list',
    auth: 'apiKey',
    tableAccess: 'read',
    summary: 'List all members',
    tags: ['Members'],
    request: { query: listQuery },
    success: { status: 200, description: 'A page of members, newest first.', schema: listOf(member) },
  }),
  getOpenApiJson: define({
    operationId: 'getOpenApiJson',
    method: 'GET',
    path: '/spec/openapi.json',
    handler: 'spec/json',
    auth: 'none',
    tableAccess: 'none',
    summary: 'The OpenAPI document, as JSON',
    tags: ['OpenAPI Specifications'],
    request: {},
    success: { status: 200, description: 'This API described in OpenAPI 3.1.', schema: openApiDocumentBody },
  }),
  getOpenApiYaml: define({
    operationId: 'getOpenApiYaml',
    method: 'GET',
    path: '/spec/openapi.yaml',
    handler: 'spec/yaml',
    auth: 'none',
    tableAccess: 'none',
    summary: 'The OpenAPI document, as YAML',
    tags: ['OpenAPI Specifications'],
    request: {},
    success: {
      status: 200,
      description: 'This API described in OpenAPI 3.1.',
      schema: openApiYamlBody,
      contentType: 'application/yaml',
    },
  }),
} satisfies Record<string, RouteDefinition>;

export const routeList: RouteDefinition[] = Object.values(routes);

/**
 * The API's cross-cutting promises, derived from a route's definition so that a route gets
 * them by being in the table. The middlewares in shared/middleware/ and the OpenAPI document
 * both read this.
 */
export interface RouteGuarantees {
  /** Counted against the organization's per-second limit for this route and mode. */
  rateLimited: boolean;
  /** Honours the `idempotency-key` header: every POST, as the spec says. */
  idempotent: boolean;
  /** Served at the `osma-api-version` the request asks for (every route). */
  versioned: true;
}

export function guaranteesOf(route: RouteDefinition): RouteGuarantees {
  return {
    // The limit is per organization, so only routes that know the organization are limited;
    // routes without a key are left to API Gateway's stage throttling.
    rateLimited: route.auth === 'apiKey',
    idempotent: route.method === 'POST' && route.auth === 'apiKey',
    versioned: true,
  };
}

/**
 * What a route's function must be allowed to do to the table beyond its own `tableAccess`:
 * the guarantees write their own items (a per-second counter for every rate-limited route,
 * even read-only ones; idempotency records for every idempotent one). The infrastructure
 * grants these in addition to `tableAccess`.
 */
export function guaranteeTableActions(route: RouteDefinition): string[] {
  const { rateLimited, idempotent } = guaranteesOf(route);
  const actions = new Set<string>();
  if (rateLimited) actions.add('dynamodb:UpdateItem');
  if (idempotent) for (const action of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']) actions.add(action);
  return [...actions];
}
