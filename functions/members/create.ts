import { apiHandler } from '#shared/http';
import { createMember } from '#shared/members/member';
import { routes } from '#shared/routes';

export const handler = apiHandler(routes.createMember, ({ scope, body }) => createMember(scope, body));
