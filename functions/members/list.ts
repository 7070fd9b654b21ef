import { apiHandler } from '#shared/http';
import { listMembers } from '#shared/members/member';
import { routes } from '#shared/routes';

export const handler = apiHandler(routes.listMembers, ({ scope, query }) => listMembers(scope, query));
