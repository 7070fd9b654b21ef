import { apiHandler } from '#shared/http/handler';
import { routes } from '#shared/routes';
import { deleteEndpoint } from '#shared/api/webhooks/endpoint';

export const handler = apiHandler(routes.deleteWebhookEndpoint, ({ scope, params }) => deleteEndpoint(scope, params.id));
