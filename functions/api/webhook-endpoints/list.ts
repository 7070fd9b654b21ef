import { apiHandler } from '#shared/api/surface';
import { webhookEndpointRoutes } from '#shared/api/webhooks/routes';
import { listEndpoints } from '#shared/api/webhooks/endpoint';

export const handler = apiHandler(webhookEndpointRoutes.listWebhookEndpoints, ({ scope, query }) => listEndpoints(scope, query));
