import { apiHandler } from '#shared/http/handler';
import { routes } from '#shared/routes';
import { updateEndpoint } from '#shared/api/webhooks/endpoint';

export const handler = apiHandler(routes.updateWebhookEndpoint, ({ scope, params, body }) =>
  updateEndpoint(scope, params.id, body),
);
