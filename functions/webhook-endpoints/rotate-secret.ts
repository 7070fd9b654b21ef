import { apiHandler } from '#shared/http';
import { routes } from '#shared/routes';
import { rotateSecret } from '#shared/webhooks/endpoint';

export const handler = apiHandler(routes.rotateWebhookEndpointSecret, ({ scope, params }) => rotateSecret(scope, params.id));
