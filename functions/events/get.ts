import { getEvent } from '#shared/events/event';
import { apiHandler } from '#shared/http';
import { routes } from '#shared/routes';

export const handler = apiHandler(routes.getEvent, ({ scope, params }) => getEvent(scope, params.id));
