import { apiHandler } from '#shared/http';
import { routes } from '#shared/routes';
import { updateEndpoint } from '#shared/webhooks/endpoint';

export const handler = apiHandler(routes.updateWebhookEndpoint, ({ scope, params, body }) =>
  updateEndpoint(scope, params.id, body),
);
