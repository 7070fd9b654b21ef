import { apiHandler } from '#shared/http';
import { routes } from '#shared/routes';
import { createEndpoint } from '#shared/webhooks/endpoint';

export const handler = apiHandler(routes.createWebhookEndpoint, ({ scope, body }) => createEndpoint(scope, body));
