import { eventRoutes } from '#shared/identity/events/routes';
import { identityHandler } from '#shared/identity/surface';
import { deliveryList } from '#shared/identity/events/manage';

export const handler = identityHandler(eventRoutes.listOrganizationEventDeliveries, ({ principal, query, params }) => deliveryList(principal, params.id, query));
