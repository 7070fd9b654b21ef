import { listEvents } from '#shared/api/webhooks/event';
import { apiHandler } from '#shared/api/surface';
import { eventRoutes } from '#shared/api/webhooks/routes';

export const handler = apiHandler(eventRoutes.listEvents, ({ scope, query }) => listEvents(scope, query));
