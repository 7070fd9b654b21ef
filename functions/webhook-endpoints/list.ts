import { apiHandler } from '#shared/http';
import { routes } from '#shared/routes';
import { listEndpoints } from '#shared/webhooks/endpoint';

export const handler = apiHandler(routes.listWebhookEndpoints, ({ scope, query }) => listEndpoints(scope, query));
