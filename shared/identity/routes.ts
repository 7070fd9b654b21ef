import { invitationRoutes } from '#shared/identity/invitations/routes';
import { mfaTotpRoutes } from '#shared/identity/mfa/routes';
import { organizationRoutes } from '#shared/identity/organizations/routes';
import { passwordRoutes } from '#shared/identity/passwords/routes';
import { sessionRoutes } from '#shared/identity/sessions/routes';
import { identitySpecRoutes } from '#shared/identity/spec/routes';
import type { RouteDefinition } from '#shared/http/route';

/** The management API's routes (under /v1/), gathered from each resource's table. */
export const identityRoutes = {
  ...sessionRoutes,
  ...organizationRoutes,
  ...mfaTotpRoutes,
  ...passwordRoutes,
  ...invitationRoutes,
  ...identitySpecRoutes,
};

export const identityRouteList: RouteDefinition[] = Object.values(identityRoutes);
