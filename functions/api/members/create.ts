import { apiHandler } from '#shared/api/surface';
import { createMember } from '#shared/api/members/member';
import { memberRoutes } from '#shared/api/members/routes';

export const handler = apiHandler(memberRoutes.createMember, ({ scope, body }) => createMember(scope, body));
