import { apiHandler } from '#shared/api/surface';
import { webhookEndpointRoutes } from '#shared/api/webhooks/routes';
import { updateEndpoint } from '#shared/api/webhooks/endpoint';

export const handler = apiHandler(webhookEndpointRoutes.updateWebhookEndpoint, ({ scope, params, body }) =>
  updateEndpoint(scope, params.id, body),
);
