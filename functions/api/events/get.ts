import { getEvent } from '#shared/api/webhooks/event';
import { apiHandler } from '#shared/api/surface';
import { eventRoutes } from '#shared/api/webhooks/routes';

export const handler = apiHandler(eventRoutes.getEvent, ({ scope, params }) => getEvent(scope, params.id));
