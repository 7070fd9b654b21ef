import { resendEvent } from '#shared/api/webhooks/delivery';
import { apiHandler } from '#shared/http/handler';
import { routes } from '#shared/routes';

export const handler = apiHandler(routes.resendEvent, ({ scope, params, body }) => resendEvent(scope, params.id, body.endpoint));
