import { apiHandler } from '#shared/http/handler';
import { routes } from '#shared/routes';
import { listEndpoints } from '#shared/api/webhooks/endpoint';

export const handler = apiHandler(routes.listWebhookEndpoints, ({ scope, query }) => listEndpoints(scope, query));
