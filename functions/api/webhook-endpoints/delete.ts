import { apiHandler } from '#shared/api/surface';
import { webhookEndpointRoutes } from '#shared/api/webhooks/routes';
import { deleteEndpoint } from '#shared/api/webhooks/endpoint';

export const handler = apiHandler(webhookEndpointRoutes.deleteWebhookEndpoint, ({ scope, params }) => deleteEndpoint(scope, params.id));
