import { apiHandler } from '#shared/http/handler';
import { deleteMember } from '#shared/api/members/member';
import { routes } from '#shared/routes';

export const handler = apiHandler(routes.deleteMember, ({ scope, params }) => deleteMember(scope, params.id));
