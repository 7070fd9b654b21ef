import { eventRoutes } from '#shared/identity/events/routes';
import { identityHandler } from '#shared/identity/surface';
import { eventOf } from '#shared/identity/events/manage';

export const handler = identityHandler(eventRoutes.getOrganizationEvent, ({ principal, query, params }) => eventOf(principal, query['filter[mode]'], params.id));
