import { callerOf } from '#shared/identity/scoped-resources';
import { identityHandler } from '#shared/identity/surface';
import { enableWebhookEndpoint } from '#shared/identity/webhook-endpoints/manage';
import { webhookEndpointRoutes } from '#shared/identity/webhook-endpoints/routes';

export const handler = identityHandler(webhookEndpointRoutes.enableOrganizationWebhookEndpoint, (request) =>
  enableWebhookEndpoint(callerOf(request), request.query['filter[mode]'], request.params.id),
);
