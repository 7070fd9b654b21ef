import { listEvents } from '#shared/api/webhooks/event';
import { apiHandler } from '#shared/http/handler';
import { routes } from '#shared/routes';

export const handler = apiHandler(routes.listEvents, ({ scope, query }) => listEvents(scope, query));
