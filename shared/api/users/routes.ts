import { idPath, listOf, listQuery } from '#shared/api/schemas';
import { user } from '#shared/api/users/schemas';
import { routeTable } from '#shared/http/route';

export const userRoutes = routeTable(
  { functions: 'api/users', tag: 'Users', auth: 'apiKey' },
  {
    getUser: {
      method: 'GET',
      path: '/users/{id}',
      handler: 'get',
      summary: 'Get one user',
      request: { path: idPath },
      success: { status: 200, description: 'The user.', schema: user },
      errors: [404],
    },
    listUsers: {
      method: 'GET',
      path: '/users',
      handler: 'list',
      summary: 'List all users',
      request: { query: listQuery },
      success: { status: 200, description: 'A page of users, newest first.', schema: listOf(user) },
    },
  },
);
