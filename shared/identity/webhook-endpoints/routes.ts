import * as z from 'zod';
import { cursorListDocument, idPath, resourceDocument, resourceRequest } from '#shared/http/jsonapi';
import { routeTable } from '#shared/http/route';
import { cursorPageQuery, modeFilter } from '#shared/identity/scoped-resources';
import {
  WEBHOOK_ENDPOINT_TYPE,
  webhookEndpointAttributes,
  webhookEndpointCreate,
  webhookEndpointPatch,
  webhookEndpointWithSecretAttributes,
} from '#shared/identity/webhook-endpoints/resource';

const modeQuery = z.strictObject(modeFilter);
const endpointDocument = resourceDocument(WEBHOOK_ENDPOINT_TYPE, webhookEndpointAttributes);
const endpointWithSecretDocument = resourceDocument(WEBHOOK_ENDPOINT_TYPE, webhookEndpointWithSecretAttributes);

export const webhookEndpointRoutes = routeTable(
  { functions: 'identity/webhook-endpoints', tag: 'Webhook endpoints', auth: 'session' },
  {
    listOrganizationWebhookEndpoints: {
      method: 'GET',
      path: '/v1/webhook-endpoints/',
      handler: 'list',
      permission: 'organization.read',
      summary: "List a mode's webhook endpoints, newest first",
      request: { query: z.strictObject({ ...modeFilter, ...cursorPageQuery }) },
      success: { status: 200, description: 'A page of endpoints, never their secrets.', schema: cursorListDocument(WEBHOOK_ENDPOINT_TYPE, webhookEndpointAttributes) },
    },
    createOrganizationWebhookEndpoint: {
      method: 'POST',
      path: '/v1/webhook-endpoints/',
      handler: 'create',
      permission: 'developers.manage',
      summary: 'Add a webhook endpoint to a mode: the only answer but a rotation that carries its signing secret',
      request: { body: resourceRequest(WEBHOOK_ENDPOINT_TYPE, webhookEndpointCreate) },
      success: { status: 201, description: 'The endpoint, with `secret`.', schema: endpointWithSecretDocument },
    },
    getOrganizationWebhookEndpoint: {
      method: 'GET',
      path: '/v1/webhook-endpoints/{id}/',
      handler: 'get',
      permission: 'organization.read',
      summary: 'Get a webhook endpoint of the mode named',
      request: { path: idPath, query: modeQuery },
      success: { status: 200, description: 'The endpoint, without its secret.', schema: endpointDocument },
      errors: [404],
    },
    updateOrganizationWebhookEndpoint: {
      method: 'PATCH',
      path: '/v1/webhook-endpoints/{id}/',
      handler: 'update',
      permission: 'developers.manage',
      summary: "Change a webhook endpoint's url, events, description, metadata or status",
      request: { path: idPath, query: modeQuery, body: resourceRequest(WEBHOOK_ENDPOINT_TYPE, webhookEndpointPatch) },
      success: { status: 200, description: 'The endpoint as changed.', schema: endpointDocument },
      errors: [404, 409],
    },
    deleteOrganizationWebhookEndpoint: {
      method: 'DELETE',
      path: '/v1/webhook-endpoints/{id}/',
      handler: 'delete',
      permission: 'developers.manage',
      summary: 'Delete a webhook endpoint and its secrets; its deliveries stay with their events',
      request: { path: idPath, query: modeQuery },
      success: { status: 204, description: 'Deleted.', schema: z.null() },
      errors: [404, 409],
    },
    rotateOrganizationWebhookEndpointSecret: {
      method: 'POST',
      path: '/v1/webhook-endpoints/{id}/rotate-secret/',
      handler: 'rotate-secret',
      permission: 'developers.manage',
      summary: 'Give a webhook endpoint a new secret; the old one keeps signing beside it for 24 hours',
      request: { path: idPath, query: modeQuery },
      success: { status: 201, description: 'The endpoint, with its new `secret`.', schema: endpointWithSecretDocument },
      errors: [404, 409],
    },
    enableOrganizationWebhookEndpoint: {
      method: 'POST',
      path: '/v1/webhook-endpoints/{id}/enable/',
      handler: 'enable',
      permission: 'developers.manage',
      summary: 'Enable a webhook endpoint again, also one the sender disabled (410 Gone, or failing deliveries)',
      request: { path: idPath, query: modeQuery },
      success: { status: 201, description: 'The endpoint, enabled.', schema: endpointDocument },
      errors: [404, 409],
    },
  },
);
