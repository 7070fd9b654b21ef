import { apiHandler } from '#shared/api/surface';
import { getMember } from '#shared/api/members/member';
import { memberRoutes } from '#shared/api/members/routes';

export const handler = apiHandler(memberRoutes.getMember, ({ scope, params }) => getMember(scope, params.id));
