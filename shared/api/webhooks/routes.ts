import { idPath, listOf, listQuery } from '#shared/api/schemas';
import {
  createWebhookEndpointBody,
  resendBody,
  updateWebhookEndpointBody,
  webhookDelivery,
  webhookEndpoint,
  webhookEndpointWithSecret,
  webhookEvent,
} from '#shared/api/webhooks/schemas';
import { routeTable } from '#shared/http/route';

export const webhookEndpointRoutes = routeTable(
  { functions: 'api/webhook-endpoints', tag: 'Webhook endpoints', auth: 'apiKey' },
  {
    createWebhookEndpoint: {
      method: 'POST',
      path: '/webhook_endpoints',
      handler: 'create',
      summary: 'Create a webhook endpoint (extension)',
      request: { body: createWebhookEndpointBody },
      success: { status: 201, description: 'The new endpoint, with its signing secret (shown only here and on rotation).', schema: webhookEndpointWithSecret },
    },
    getWebhookEndpoint: {
      method: 'GET',
      path: '/webhook_endpoints/{id}',
      handler: 'get',
      summary: 'Get one webhook endpoint (extension)',
      request: { path: idPath },
      success: { status: 200, description: 'The endpoint, without its secret.', schema: webhookEndpoint },
      errors: [404],
    },
    updateWebhookEndpoint: {
      method: 'POST',
      path: '/webhook_endpoints/{id}',
      handler: 'update',
      summary: 'Update a webhook endpoint: url, events, description, metadata, status (extension)',
      request: { path: idPath, body: updateWebhookEndpointBody },
      success: { status: 200, description: 'The updated endpoint.', schema: webhookEndpoint },
      errors: [404, 409],
    },
    deleteWebhookEndpoint: {
      method: 'DELETE',
      path: '/webhook_endpoints/{id}',
      handler: 'delete',
      summary: 'Delete a webhook endpoint and its secrets (extension)',
      request: { path: idPath },
      success: { status: 200, description: 'The endpoint as it was, with status deleted.', schema: webhookEndpoint },
      errors: [404, 409],
    },
    listWebhookEndpoints: {
      method: 'GET',
      path: '/webhook_endpoints',
      handler: 'list',
      summary: 'List webhook endpoints (extension)',
      request: { query: listQuery },
      success: { status: 200, description: 'A page of endpoints, newest first.', schema: listOf(webhookEndpoint) },
    },
    rotateWebhookEndpointSecret: {
      method: 'POST',
      path: '/webhook_endpoints/{id}/rotate_secret',
      handler: 'rotate-secret',
      summary: 'Give a webhook endpoint a new secret; the old one keeps signing for 24 hours (extension)',
      request: { path: idPath },
      success: { status: 200, description: 'The endpoint with its new secret.', schema: webhookEndpointWithSecret },
      errors: [404, 409],
    },
  },
);

export const eventRoutes = routeTable(
  { functions: 'api/events', tag: 'Events', auth: 'apiKey' },
  {
    listEvents: {
      method: 'GET',
      path: '/events',
      handler: 'list',
      summary: 'List the events of the last 30 days (extension)',
      request: { query: listQuery },
      success: { status: 200, description: 'A page of events, newest first.', schema: listOf(webhookEvent) },
    },
    getEvent: {
      method: 'GET',
      path: '/events/{id}',
      handler: 'get',
      summary: 'Get one event (extension)',
      request: { path: idPath },
      success: { status: 200, description: 'The event, as webhooks deliver it.', schema: webhookEvent },
      errors: [404],
    },
    listEventDeliveries: {
      method: 'GET',
      path: '/events/{id}/deliveries',
      handler: 'deliveries',
      summary: "List an event's deliveries, one per endpoint, with every attempt (extension)",
      request: { path: idPath, query: listQuery },
      success: { status: 200, description: 'A page of deliveries, by endpoint, newest endpoint first.', schema: listOf(webhookDelivery) },
      errors: [404],
    },
    resendEvent: {
      method: 'POST',
      path: '/events/{id}/resend',
      handler: 'resend',
      summary: 'Send an event to one endpoint again, as a new series of attempts (extension)',
      request: { path: idPath, body: resendBody },
      success: { status: 200, description: 'The delivery, pending its new series.', schema: webhookDelivery },
      errors: [404, 409],
    },
  },
);
