import { apiHandler } from '#shared/api/surface';
import { webhookEndpointRoutes } from '#shared/api/webhooks/routes';
import { createEndpoint } from '#shared/api/webhooks/endpoint';

export const handler = apiHandler(webhookEndpointRoutes.createWebhookEndpoint, ({ scope, body }) => createEndpoint(scope, body));
