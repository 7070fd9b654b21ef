import { eventRoutes } from '#shared/identity/events/routes';
import { apiKeyRoutes } from '#shared/identity/api-keys/routes';
import { auditEventRoutes } from '#shared/identity/audit/routes';
import { lifecycleRoutes } from '#shared/identity/lifecycle/routes';
import { invitationRoutes } from '#shared/identity/invitations/routes';
import { mfaTotpRoutes } from '#shared/identity/mfa/routes';
import { organizationRoutes } from '#shared/identity/organizations/routes';
import { passwordRoutes } from '#shared/identity/passwords/routes';
import { requestLogRoutes } from '#shared/identity/request-logs/routes';
import { roleRoutes, roleUserRoutes } from '#shared/identity/roles/routes';
import { sessionRoutes } from '#shared/identity/sessions/routes';
import { identitySpecRoutes } from '#shared/identity/spec/routes';
import { taskTemplateRoutes } from '#shared/identity/task-templates/routes';
import { userEmailRoutes, userMobileRoutes, userRoutes } from '#shared/identity/users/routes';
import { webhookEndpointRoutes } from '#shared/identity/webhook-endpoints/routes';
import type { RouteDefinition } from '#shared/http/route';

/** The management API's routes (under /v1/), gathered from each resource's table. */
export const identityRoutes = {
  ...sessionRoutes,
  ...organizationRoutes,
  ...mfaTotpRoutes,
  ...passwordRoutes,
  ...lifecycleRoutes,
  ...roleRoutes,
  ...roleUserRoutes,
  ...userRoutes,
  ...userEmailRoutes,
  ...userMobileRoutes,
  ...invitationRoutes,
  ...webhookEndpointRoutes,
  ...eventRoutes,
  ...taskTemplateRoutes,
  ...apiKeyRoutes,
  ...requestLogRoutes,
  ...auditEventRoutes,
  ...identitySpecRoutes,
};

export const identityRouteList: RouteDefinition[] = Object.values(identityRoutes);
