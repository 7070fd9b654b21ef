import { apiHandler } from '#shared/api/surface';
import { listMembers } from '#shared/api/members/member';
import { memberRoutes } from '#shared/api/members/routes';

export const handler = apiHandler(memberRoutes.listMembers, ({ scope, query }) => listMembers(scope, query));
