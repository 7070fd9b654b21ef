import { listDeliveries } from '#shared/events/delivery';
import { apiHandler } from '#shared/http';
import { routes } from '#shared/routes';

export const handler = apiHandler(routes.listEventDeliveries, ({ scope, params, query }) =>
  listDeliveries(scope, params.id, query),
);
