import { callerOf } from '#shared/identity/scoped-resources';
import { identityHandler } from '#shared/identity/surface';
import { removeWebhookEndpoint } from '#shared/identity/webhook-endpoints/manage';
import { webhookEndpointRoutes } from '#shared/identity/webhook-endpoints/routes';

export const handler = identityHandler(webhookEndpointRoutes.deleteOrganizationWebhookEndpoint, (request) =>
  removeWebhookEndpoint(callerOf(request), request.query['filter[mode]'], request.params.id),
);
