import { apiHandler } from '#shared/api/surface';
import { webhookEndpointRoutes } from '#shared/api/webhooks/routes';
import { getEndpoint } from '#shared/api/webhooks/endpoint';

export const handler = apiHandler(webhookEndpointRoutes.getWebhookEndpoint, ({ scope, params }) => getEndpoint(scope, params.id));
