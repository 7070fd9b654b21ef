import { apiHandler } from '#shared/http/handler';
import { createMember } from '#shared/api/members/member';
import { routes } from '#shared/routes';

export const handler = apiHandler(routes.createMember, ({ scope, body }) => createMember(scope, body));
