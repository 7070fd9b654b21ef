import { listEvents } from '#shared/events/event';
import { apiHandler } from '#shared/http';
import { routes } from '#shared/routes';

export const handler = apiHandler(routes.listEvents, ({ scope, query }) => listEvents(scope, query));
