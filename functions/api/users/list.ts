import { apiHandler } from '#shared/api/surface';
import { userRoutes } from '#shared/api/users/routes';
import { listUsers } from '#shared/api/users/user';

export const handler = apiHandler(userRoutes.listUsers, ({ scope, query }) => listUsers(scope.organizationId, query));
