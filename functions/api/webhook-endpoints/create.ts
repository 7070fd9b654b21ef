import { apiHandler } from '#shared/http/handler';
import { routes } from '#shared/routes';
import { createEndpoint } from '#shared/api/webhooks/endpoint';

export const handler = apiHandler(routes.createWebhookEndpoint, ({ scope, body }) => createEndpoint(scope, body));
