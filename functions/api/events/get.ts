import { getEvent } from '#shared/api/webhooks/event';
import { apiHandler } from '#shared/http/handler';
import { routes } from '#shared/routes';

export const handler = apiHandler(routes.getEvent, ({ scope, params }) => getEvent(scope, params.id));
