import { apiHandler } from '#shared/api/surface';
import { deleteMember } from '#shared/api/members/member';
import { memberRoutes } from '#shared/api/members/routes';

export const handler = apiHandler(memberRoutes.deleteMember, ({ scope, params }) => deleteMember(scope, params.id));
