import { apiHandler } from '#shared/http/handler';
import { getMember } from '#shared/api/members/member';
import { routes } from '#shared/routes';

export const handler = apiHandler(routes.getMember, ({ scope, params }) => getMember(scope, params.id));
