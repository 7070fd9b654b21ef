import { listDeliveries } from '#shared/api/webhooks/delivery';
import { apiHandler } from '#shared/http/handler';
import { routes } from '#shared/routes';

export const handler = apiHandler(routes.listEventDeliveries, ({ scope, params, query }) =>
  listDeliveries(scope, params.id, query),
);
