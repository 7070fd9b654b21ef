import { apiHandler } from '#shared/api/surface';
import { userRoutes } from '#shared/api/users/routes';
import { getUser } from '#shared/api/users/user';

export const handler = apiHandler(userRoutes.getUser, ({ scope, params }) => getUser(scope.organizationId, params.id));
