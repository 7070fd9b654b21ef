import { apiHandler } from '#shared/http/handler';
import { routes } from '#shared/routes';
import { listUsers } from '#shared/api/users/user';

export const handler = apiHandler(routes.listUsers, ({ scope, query }) => listUsers(scope.organizationId, query));
