import { eventRoutes } from '#shared/identity/events/routes';
import { identityHandler } from '#shared/identity/surface';
import { resend } from '#shared/identity/events/manage';

export const handler = identityHandler(eventRoutes.resendOrganizationEvent, ({ principal, query, params, body }) =>
  resend(principal, query['filter[mode]'], params.id, body.endpoint),
);
