import { listUsers } from '#shared/identity/users/list';
import { userRoutes } from '#shared/identity/users/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(userRoutes.listOrganizationUsers, async ({ principal, query }) => listUsers(principal, query));
