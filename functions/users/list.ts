import { apiHandler } from '#shared/http';
import { routes } from '#shared/routes';
import { listUsers } from '#shared/users/user';

export const handler = apiHandler(routes.listUsers, ({ scope, query }) => listUsers(scope.organizationId, query));
