import { identityHandler } from '#shared/identity/surface';
import { webhookEndpointRoutes } from '#shared/identity/webhook-endpoints/routes';
import { webhookEndpointList } from '#shared/identity/webhook-endpoints/manage';

export const handler = identityHandler(webhookEndpointRoutes.listOrganizationWebhookEndpoints, ({ principal, query }) => webhookEndpointList(principal, query));
