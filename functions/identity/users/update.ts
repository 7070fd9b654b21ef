import { editUser } from '#shared/identity/users/edit';
import { userRoutes } from '#shared/identity/users/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(userRoutes.updateOrganizationUser, async ({ principal, params, body, sourceIp, userAgent }) =>
  editUser(principal, params.id, body.data, { ip: sourceIp, userAgent }),
);
