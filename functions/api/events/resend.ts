import { resendEvent } from '#shared/api/webhooks/delivery';
import { apiHandler } from '#shared/api/surface';
import { eventRoutes } from '#shared/api/webhooks/routes';

export const handler = apiHandler(eventRoutes.resendEvent, ({ scope, params, body }) => resendEvent(scope, params.id, body.endpoint));
