import { apiHandler } from '#shared/http';
import { updateMember } from '#shared/members/member';
import { routes } from '#shared/routes';

export const handler = apiHandler(routes.updateMember, ({ scope, params, body }) => updateMember(scope, params.id, body));
