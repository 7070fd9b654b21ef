import { apiHandler } from '#shared/http/handler';
import { routes } from '#shared/routes';
import { rotateSecret } from '#shared/api/webhooks/endpoint';

export const handler = apiHandler(routes.rotateWebhookEndpointSecret, ({ scope, params }) => rotateSecret(scope, params.id));
