import { getUserDocument } from '#shared/identity/users/lookups';
import { userRoutes } from '#shared/identity/users/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(userRoutes.getOrganizationUser, async ({ principal, params }) => getUserDocument(principal, params.id));
