import { apiHandler } from '#shared/http';
import { deleteMember } from '#shared/members/member';
import { routes } from '#shared/routes';

export const handler = apiHandler(routes.deleteMember, ({ scope, params }) => deleteMember(scope, params.id));
