import { apiHandler } from '#shared/http';
import { routes } from '#shared/routes';
import { getUser } from '#shared/users/user';

export const handler = apiHandler(routes.getUser, ({ scope, params }) => getUser(scope.organizationId, params.id));
