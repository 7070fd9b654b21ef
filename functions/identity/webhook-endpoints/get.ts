import { identityHandler } from '#shared/identity/surface';
import { webhookEndpointRoutes } from '#shared/identity/webhook-endpoints/routes';
import { webhookEndpointOf } from '#shared/identity/webhook-endpoints/manage';

export const handler = identityHandler(webhookEndpointRoutes.getOrganizationWebhookEndpoint, ({ principal, query, params }) =>
  webhookEndpointOf(principal, query['filter[mode]'], params.id),
);
