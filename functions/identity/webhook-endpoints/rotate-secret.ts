import { callerOf } from '#shared/identity/scoped-resources';
import { identityHandler } from '#shared/identity/surface';
import { rotateWebhookEndpointSecret } from '#shared/identity/webhook-endpoints/manage';
import { webhookEndpointRoutes } from '#shared/identity/webhook-endpoints/routes';

export const handler = identityHandler(webhookEndpointRoutes.rotateOrganizationWebhookEndpointSecret, (request) =>
  rotateWebhookEndpointSecret(callerOf(request), request.query['filter[mode]'], request.params.id),
);
