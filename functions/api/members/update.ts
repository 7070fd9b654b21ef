import { apiHandler } from '#shared/api/surface';
import { updateMember } from '#shared/api/members/member';
import { memberRoutes } from '#shared/api/members/routes';

export const handler = apiHandler(memberRoutes.updateMember, ({ scope, params, body }) => updateMember(scope, params.id, body));
