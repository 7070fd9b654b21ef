import type { z } from 'zod';
import { createFileBody, createdFile, fileDownload } from '#shared/files/schemas';
import { createMemberBody, member, updateMemberBody } from '#shared/members/schemas';
import { idPath, listOf, listQuery, openApiDocumentBody, openApiYamlBody } from '#shared/schemas';
import {
  createTaskTemplateBody,
  taskTemplate,
  templatePath,
  templateVersionQuery,
  updateTaskTemplateBody,
} from '#shared/task-templates/schemas';
import { createTaskBody, listTasksQuery, task, updateTaskBody } from '#shared/tasks/schemas';
import { user } from '#shared/users/schemas';
import {
  createWebhookEndpointBody,
  resendBody,
  updateWebhookEndpointBody,
  webhookDelivery,
  webhookEndpoint,
  webhookEndpointWithSecret,
  webhookEvent,
} from '#shared/webhooks/schemas';

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
  /**
   * What the function may do in the files bucket, only within the file key scheme: presign
   * uploads (`upload`: s3:PutObject) or check objects and presign downloads (`download`:
   * s3:GetObject). Absent: no access to the bucket at all.
   */
  fileAccess?: 'upload' | 'download';
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
  createTask: define({
    operationId: 'createTask',
    method: 'POST',
    path: '/tasks',
    handler: 'tasks/create',
    auth: 'apiKey',
    tableAccess: 'readWrite',
    summary: 'Create a task',
    tags: ['Tasks'],
    request: { body: createTaskBody },
    success: { status: 201, description: 'The new task.', schema: task },
  }),
  getTask: define({
    operationId: 'getTask',
    method: 'GET',
    path: '/tasks/{id}',
    handler: 'tasks/get',
    auth: 'apiKey',
    tableAccess: 'read',
    summary: 'Get one task',
    tags: ['Tasks'],
    request: { path: idPath },
    success: { status: 200, description: 'The task.', schema: task },
    errors: [404],
  }),
  updateTask: define({
    operationId: 'updateTask',
    method: 'POST',
    path: '/tasks/{id}',
    handler: 'tasks/update',
    auth: 'apiKey',
    tableAccess: 'readWrite',
    summary: 'Update a task',
    tags: ['Tasks'],
    request: { path: idPath, body: updateTaskBody },
    success: { status: 200, description: 'The updated task.', schema: task },
    errors: [404, 409],
  }),
  deleteTask: define({
    operationId: 'deleteTask',
    method: 'DELETE',
    path: '/tasks/{id}',
    handler: 'tasks/delete',
    auth: 'apiKey',
    tableAccess: 'readWrite',
    summary: 'Delete a task (soft)',
    tags: ['Tasks'],
    request: { path: idPath },
    success: { status: 200, description: 'The task, with status deleted.', schema: task },
    errors: [404],
  }),
  listTasks: define({
    operationId: 'listTasks',
    method: 'GET',
    path: '/tasks',
    handler: 'tasks/list',
    auth: 'apiKey',
    tableAccess: 'read',
    summary: 'List all tasks',
    tags: ['Tasks'],
    request: { query: listTasksQuery },
    success: { status: 200, description: 'A page of tasks, newest first.', schema: listOf(task) },
  }),
  createTaskTemplate: define({
    operationId: 'createTaskTemplate',
    method: 'POST',
    path: '/task_templates',
    handler: 'task-templates/create',
    auth: 'apiKey',
    tableAccess: 'readWrite',
    summary: 'Create a task template (extension)',
    tags: ['Task templates'],
    request: { body: createTaskTemplateBody },
    success: { status: 201, description: 'The new template, version 1.', schema: taskTemplate },
    errors: [409],
  }),
  getTaskTemplate: define({
    operationId: 'getTaskTemplate',
    method: 'GET',
    path: '/task_templates/{reference}',
    handler: 'task-templates/get',
    auth: 'apiKey',
    tableAccess: 'read',
    summary: 'Get a task template, its latest or a given version (extension)',
    tags: ['Task templates'],
    request: { path: templatePath, query: templateVersionQuery },
    success: { status: 200, description: 'The template.', schema: taskTemplate },
    errors: [404],
  }),
  updateTaskTemplate: define({
    operationId: 'updateTaskTemplate',
    method: 'POST',
    path: '/task_templates/{reference}',
    handler: 'task-templates/update',
    auth: 'apiKey',
    tableAccess: 'readWrite',
    summary: 'Update a task template, making a new version (extension)',
    tags: ['Task templates'],
    request: { path: templatePath, body: updateTaskTemplateBody },
    success: { status: 200, description: 'The template at its new version.', schema: taskTemplate },
    errors: [404, 409],
  }),
  listTaskTemplates: define({
    operationId: 'listTaskTemplates',
    method: 'GET',
    path: '/task_templates',
    handler: 'task-templates/list',
    auth: 'apiKey',
    tableAccess: 'read',
    summary: 'List task templates, latest versions (extension)',
    tags: ['Task templates'],
    request: { query: listQuery },
    success: { status: 200, description: 'A page of templates, newest first.', schema: listOf(taskTemplate) },
  }),
  getUser: define({
    operationId: 'getUser',
    method: 'GET',
    path: '/users/{id}',
    handler: 'users/get',
    auth: 'apiKey',
    tableAccess: 'read',
    summary: 'Get one user',
    tags: ['Users'],
    request: { path: idPath },
    success: { status: 200, description: 'The user.', schema: user },
    errors: [404],
  }),
  listUsers: define({
    operationId: 'listUsers',
    method: 'GET',
    path: '/users',
    handler: 'users/list',
    auth: 'apiKey',
    tableAccess: 'read',
    summary: 'List all users',
    tags: ['Users'],
    request: { query: listQuery },
    success: { status: 200, description: 'A page of users, newest first.', schema: listOf(user) },
  }),
  createFile: define({
    operationId: 'createFile',
    method: 'POST',
    path: '/files',
    handler: 'files/create',
    auth: 'apiKey',
    tableAccess: 'readWrite',
    fileAccess: 'upload',
    summary: 'Create a file and a presigned URL to upload its content (extension)',
    tags: ['Files'],
    request: { body: createFileBody },
    success: { status: 201, description: 'The new file, pending, with its upload_url.', schema: createdFile },
  }),
  getFile: define({
    operationId: 'getFile',
    method: 'GET',
    path: '/files/{id}',
    handler: 'files/get',
    auth: 'apiKey',
    // Writes once: the first GET that finds the content marks the file uploaded.
    tableAccess: 'readWrite',
    fileAccess: 'download',
    summary: 'Get one file: a presigned, expiring URL to download it',
    tags: ['Files'],
    request: { path: idPath },
    success: { status: 200, description: 'The download URL and its expiration in seconds.', schema: fileDownload },
    errors: [404],
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
  createWebhookEndpoint: define({
    operationId: 'createWebhookEndpoint',
    method: 'POST',
    path: '/webhook_endpoints',
    handler: 'webhook-endpoints/create',
    auth: 'apiKey',
    tableAccess: 'readWrite',
    summary: 'Create a webhook endpoint (extension)',
    tags: ['Webhook endpoints'],
    request: { body: createWebhookEndpointBody },
    success: { status: 201, description: 'The new endpoint, with its signing secret (shown only here and on rotation).', schema: webhookEndpointWithSecret },
  }),
  getWebhookEndpoint: define({
    operationId: 'getWebhookEndpoint',
    method: 'GET',
    path: '/webhook_endpoints/{id}',
    handler: 'webhook-endpoints/get',
    auth: 'apiKey',
    tableAccess: 'read',
    summary: 'Get one webhook endpoint (extension)',
    tags: ['Webhook endpoints'],
    request: { path: idPath },
    success: { status: 200, description: 'The endpoint, without its secret.', schema: webhookEndpoint },
    errors: [404],
  }),
  updateWebhookEndpoint: define({
    operationId: 'updateWebhookEndpoint',
    method: 'POST',
    path: '/webhook_endpoints/{id}',
    handler: 'webhook-endpoints/update',
    auth: 'apiKey',
    tableAccess: 'readWrite',
    summary: 'Update a webhook endpoint: url, events, description, metadata, status (extension)',
    tags: ['Webhook endpoints'],
    request: { path: idPath, body: updateWebhookEndpointBody },
    success: { status: 200, description: 'The updated endpoint.', schema: webhookEndpoint },
    errors: [404, 409],
  }),
  deleteWebhookEndpoint: define({
    operationId: 'deleteWebhookEndpoint',
    method: 'DELETE',
    path: '/webhook_endpoints/{id}',
    handler: 'webhook-endpoints/delete',
    auth: 'apiKey',
    tableAccess: 'readWrite',
    summary: 'Delete a webhook endpoint and its secrets (extension)',
    tags: ['Webhook endpoints'],
    request: { path: idPath },
    success: { status: 200, description: 'The endpoint as it was, with status deleted.', schema: webhookEndpoint },
    errors: [404, 409],
  }),
  listWebhookEndpoints: define({
    operationId: 'listWebhookEndpoints',
    method: 'GET',
    path: '/webhook_endpoints',
    handler: 'webhook-endpoints/list',
    auth: 'apiKey',
    tableAccess: 'read',
    summary: 'List webhook endpoints (extension)',
    tags: ['Webhook endpoints'],
    request: { query: listQuery },
    success: { status: 200, description: 'A page of endpoints, newest first.', schema: listOf(webhookEndpoint) },
  }),
  rotateWebhookEndpointSecret: define({
    operationId: 'rotateWebhookEndpointSecret',
    method: 'POST',
    path: '/webhook_endpoints/{id}/rotate_secret',
    handler: 'webhook-endpoints/rotate-secret',
    auth: 'apiKey',
    tableAccess: 'readWrite',
    summary: 'Give a webhook endpoint a new secret; the old one keeps signing for 24 hours (extension)',
    tags: ['Webhook endpoints'],
    request: { path: idPath },
    success: { status: 200, description: 'The endpoint with its new secret.', schema: webhookEndpointWithSecret },
    errors: [404, 409],
  }),
  listEvents: define({
    operationId: 'listEvents',
    method: 'GET',
    path: '/events',
    handler: 'events/list',
    auth: 'apiKey',
    tableAccess: 'read',
    summary: 'List the events of the last 30 days (extension)',
    tags: ['Events'],
    request: { query: listQuery },
    success: { status: 200, description: 'A page of events, newest first.', schema: listOf(webhookEvent) },
  }),
  getEvent: define({
    operationId: 'getEvent',
    method: 'GET',
    path: '/events/{id}',
    handler: 'events/get',
    auth: 'apiKey',
    tableAccess: 'read',
    summary: 'Get one event (extension)',
    tags: ['Events'],
    request: { path: idPath },
    success: { status: 200, description: 'The event, as webhooks deliver it.', schema: webhookEvent },
    errors: [404],
  }),
  listEventDeliveries: define({
    operationId: 'listEventDeliveries',
    method: 'GET',
    path: '/events/{id}/deliveries',
    handler: 'events/deliveries',
    auth: 'apiKey',
    tableAccess: 'read',
    summary: "List an event's deliveries, one per endpoint, with every attempt (extension)",
    tags: ['Events'],
    request: { path: idPath, query: listQuery },
    success: { status: 200, description: 'A page of deliveries, by endpoint, newest endpoint first.', schema: listOf(webhookDelivery) },
    errors: [404],
  }),
  resendEvent: define({
    operationId: 'resendEvent',
    method: 'POST',
    path: '/events/{id}/resend',
    handler: 'events/resend',
    auth: 'apiKey',
    tableAccess: 'readWrite',
    summary: 'Send an event to one endpoint again, as a new series of attempts (extension)',
    tags: ['Events'],
    request: { path: idPath, body: resendBody },
    success: { status: 200, description: 'The delivery, pending its new series.', schema: webhookDelivery },
    errors: [404, 409],
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
 * grants these actions only on items whose partition key has such a record's shape
 * (`dynamodb:LeadingKeys`), so a read route can count its requests and change nothing else.
 */
export function guaranteeTableAccess(route: RouteDefinition): { actions: string[]; leadingKeys: string[] } {
  const { rateLimited, idempotent } = guaranteesOf(route);
  const actions = new Set<string>();
  const leadingKeys: string[] = [];
  if (rateLimited) {
    actions.add('dynamodb:UpdateItem');
    leadingKeys.push('ORG#org_*#RATE#*');
  }
  if (idempotent) {
    for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']) actions.add(action);
    leadingKeys.push('ORG#org_*#IDEMPOTENCY#*');
  }
  return { actions: [...actions], leadingKeys };
}
