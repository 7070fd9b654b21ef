import { apiHandler } from '#shared/http/handler';
import { listMembers } from '#shared/api/members/member';
import { routes } from '#shared/routes';

export const handler = apiHandler(routes.listMembers, ({ scope, query }) => listMembers(scope, query));
