import { apiHandler } from '#shared/http';
import { routes } from '#shared/routes';
import { deleteEndpoint } from '#shared/webhooks/endpoint';

export const handler = apiHandler(routes.deleteWebhookEndpoint, ({ scope, params }) => deleteEndpoint(scope, params.id));
