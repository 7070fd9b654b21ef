import { apiHandler } from '#shared/http/handler';
import { routes } from '#shared/routes';
import { getEndpoint } from '#shared/api/webhooks/endpoint';

export const handler = apiHandler(routes.getWebhookEndpoint, ({ scope, params }) => getEndpoint(scope, params.id));
