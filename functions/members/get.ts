import { apiHandler } from '#shared/http';
import { getMember } from '#shared/members/member';
import { routes } from '#shared/routes';

export const handler = apiHandler(routes.getMember, ({ scope, params }) => getMember(scope, params.id));
