import { listDeliveries } from '#shared/api/webhooks/delivery';
import { apiHandler } from '#shared/api/surface';
import { eventRoutes } from '#shared/api/webhooks/routes';

export const handler = apiHandler(eventRoutes.listEventDeliveries, ({ scope, params, query }) =>
  listDeliveries(scope, params.id, query),
);
