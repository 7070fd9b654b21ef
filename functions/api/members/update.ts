import { apiHandler } from '#shared/http/handler';
import { updateMember } from '#shared/api/members/member';
import { routes } from '#shared/routes';

export const handler = apiHandler(routes.updateMember, ({ scope, params, body }) => updateMember(scope, params.id, body));
