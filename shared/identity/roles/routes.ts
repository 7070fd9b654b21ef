import * as z from 'zod';
import { idPath, listDocument, pageQuery, resourceDocument, resourceRequest } from '#shared/http/jsonapi';
import { routeTable } from '#shared/http/route';
import {
  ROLE_TYPE,
  ROLE_USER_TYPE,
  roleAttributes,
  roleCreate,
  rolePatch,
  roleUserAttributes,
  roleUserCreate,
  roleUserRemove,
} from '#shared/identity/roles/resource';

export const roleRoutes = routeTable(
  { functions: 'identity/roles', tag: 'Roles', auth: 'session' },
  {
    listRoles: {
      method: 'GET',
      path: '/v1/roles/',
      handler: 'list',
      permission: 'organization.read',
      summary: "List the organization's roles: the four built-in ones first, then its custom roles, oldest first",
      request: {
        query: z.strictObject({
          'filter[name]': z.string().max(255).optional().meta({ description: 'Only the role with this name.' }),
          'organization-id': z.string().max(255).optional().meta({ description: 'Your organization (any other is not found).' }),
          ...pageQuery,
        }),
      },
      success: { status: 200, description: 'The roles.', schema: listDocument(ROLE_TYPE, roleAttributes) },
      errors: [404],
    },
    getRole: {
      method: 'GET',
      path: '/v1/roles/{id}/',
      handler: 'get',
      permission: 'organization.read',
      summary: 'Get a role: a built-in one by its name, a custom one by its id',
      request: { path: idPath },
      success: { status: 200, description: 'The role.', schema: resourceDocument(ROLE_TYPE, roleAttributes) },
      errors: [404],
    },
    createRole: {
      method: 'POST',
      path: '/v1/roles/',
      handler: 'create',
      permission: 'roles.manage',
      summary: 'Create a custom role (a job title such as Pharmacist), optionally with permissions you hold',
      request: { body: resourceRequest(ROLE_TYPE, roleCreate) },
      success: { status: 201, description: 'The role.', schema: resourceDocument(ROLE_TYPE, roleAttributes) },
      errors: [403, 409],
    },
    updateRole: {
      method: 'PATCH',
      path: '/v1/roles/{id}/',
      handler: 'update',
      permission: 'roles.manage',
      summary: "Change a custom role's display name or permissions (you must hold every permission it has and is given)",
      request: { path: idPath, body: resourceRequest(ROLE_TYPE, rolePatch) },
      success: { status: 200, description: 'The role as changed.', schema: resourceDocument(ROLE_TYPE, roleAttributes) },
      errors: [403, 404, 409],
    },
    deleteRole: {
      method: 'DELETE',
      path: '/v1/roles/{id}/',
      handler: 'delete',
      permission: 'roles.manage',
      summary: 'Delete a custom role that nobody holds',
      request: { path: idPath },
      success: { status: 204, description: 'Deleted.', schema: z.null() },
      errors: [403, 404, 409],
    },
    removeRoleUser: {
      method: 'POST',
      path: '/v1/roles/{id}/remove-user/',
      handler: 'remove-user',
      permission: 'roles.manage',
      summary: 'Take a role away from a user (by user-id or email); the last active owner keeps theirs',
      request: { path: idPath, body: resourceRequest(ROLE_TYPE, roleUserRemove) },
      success: { status: 204, description: 'The user no longer holds the role.', schema: z.null() },
      errors: [403, 404, 409],
    },
  },
);

export const roleUserRoutes = routeTable(
  { functions: 'identity/role-users', tag: 'Roles', auth: 'session' },
  {
    listRoleUsers: {
      method: 'GET',
      path: '/v1/role-users/',
      handler: 'list',
      permission: 'organization.read',
      summary: 'List who holds a role, by user id',
      request: {
        query: z.strictObject({
          'role-id': z.string().min(1).max(255).meta({ description: 'The role: a built-in name or a `role_...` id.' }),
          ...pageQuery,
        }),
      },
      success: { status: 200, description: 'The holders.', schema: listDocument(ROLE_USER_TYPE, roleUserAttributes) },
      errors: [404],
    },
    assignRoleUser: {
      method: 'POST',
      path: '/v1/role-users/',
      handler: 'create',
      permission: 'roles.manage',
      summary: 'Give a user (by user-id or email) a role; only an owner makes an owner',
      request: { body: resourceRequest(ROLE_USER_TYPE, roleUserCreate) },
      success: { status: 201, description: 'The user holds the role.', schema: resourceDocument(ROLE_USER_TYPE, roleUserAttributes) },
      errors: [403, 404, 409],
    },
  },
);
