import { resendEvent } from '#shared/events/delivery';
import { apiHandler } from '#shared/http';
import { routes } from '#shared/routes';

export const handler = apiHandler(routes.resendEvent, ({ scope, params, body }) => resendEvent(scope, params.id, body.endpoint));
