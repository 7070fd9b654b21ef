import { eventRoutes } from '#shared/identity/events/routes';
import { identityHandler } from '#shared/identity/surface';
import { eventList } from '#shared/identity/events/manage';

export const handler = identityHandler(eventRoutes.listOrganizationEvents, ({ principal, query }) => eventList(principal, query));
