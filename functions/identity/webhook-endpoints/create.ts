import { callerOf } from '#shared/identity/scoped-resources';
import { identityHandler } from '#shared/identity/surface';
import { createWebhookEndpoint } from '#shared/identity/webhook-endpoints/manage';
import { webhookEndpointRoutes } from '#shared/identity/webhook-endpoints/routes';

export const handler = identityHandler(webhookEndpointRoutes.createOrganizationWebhookEndpoint, (request) =>
  createWebhookEndpoint(callerOf(request), request.body.data.attributes),
);
