import { apiHandler } from '#shared/api/surface';
import { webhookEndpointRoutes } from '#shared/api/webhooks/routes';
import { rotateSecret } from '#shared/api/webhooks/endpoint';

export const handler = apiHandler(webhookEndpointRoutes.rotateWebhookEndpointSecret, ({ scope, params }) => rotateSecret(scope, params.id));
