import { apiHandler } from '#shared/http/handler';
import { routes } from '#shared/routes';
import { getUser } from '#shared/api/users/user';

export const handler = apiHandler(routes.getUser, ({ scope, params }) => getUser(scope.organizationId, params.id));
