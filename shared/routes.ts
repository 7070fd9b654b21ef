import type { z } from 'zod';
import { createMemberBody, member, updateMemberBody } from '#shared/members/schemas';
import { idPath, listOf, listQuery } from '#shared/schemas';

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
  success: { status: 200 | 201; description: string; schema: z.ZodType };
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
} satisfies Record<string, RouteDefinition>;

export const routeList: RouteDefinition[] = Object.values(routes);
