import { apiHandler } from '#shared/http';
import { routes } from '#shared/routes';
import { getEndpoint } from '#shared/webhooks/endpoint';

export const handler = apiHandler(routes.getWebhookEndpoint, ({ scope, params }) => getEndpoint(scope, params.id));
