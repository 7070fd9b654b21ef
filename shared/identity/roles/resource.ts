import * as z from 'zod';
import type { SessionPrincipal } from '#shared/identity/principal';
import { listRoleHolders, removeRole, type UserReference } from '#shared/identity/roles/assign';
import { PERMISSIONS } from '#shared/identity/roles/keys';
import { listRoles, type ChangeSource, type Role, type RoleHolder } from '#shared/identity/roles/role';
import { errors } from '#shared/platform/errors';

/** The management API's `roles` and `role-users` resources (seed 003's, plus what ours add). */
export const ROLE_TYPE = 'roles';
export const ROLE_USER_TYPE = 'role-users';

/** A role's handle: lower case, as in `pharmacist` or `night-nurse`. */
export const ROLE_NAME = /^[a-z0-9][a-z0-9_-]{0,49}$/;
const NAME_MESSAGE = 'name must be 1 to 50 characters of a-z, 0-9, _ and -, starting with a letter or digit';

const DISPLAY_NAME_MESSAGE = 'display-name must be 1 to 100 characters, with no control characters';
const CONTROL_CHARACTERS = /\p{Cc}/u;

const displayName = z
  .string({ error: DISPLAY_NAME_MESSAGE })
  .trim()
  .min(1, { error: DISPLAY_NAME_MESSAGE })
  .max(100, { error: DISPLAY_NAME_MESSAGE })
  .refine((text) => !CONTROL_CHARACTERS.test(text), { error: DISPLAY_NAME_MESSAGE })
  .meta({ description: 'What people see, and what the Osma API answers as `roles[].title`.', example: 'Pharmacist' });

const permissions = z
  .array(z.enum(PERMISSIONS, { error: `each permission must be one of: ${PERMISSIONS.join(', ')}` }), {
    error: 'permissions must be a list of permissions',
  })
  .max(PERMISSIONS.length, { error: `permissions lists at most ${PERMISSIONS.length} permissions` })
  .meta({ description: 'What the role allows, from the fixed set; each must be one you hold yourself.' });

export const roleAttributes = z.object({
  name: z.string().meta({ description: 'The handle: the built-in role ids, or a custom role\'s unique name.' }),
  'display-name': z.string(),
  permissions: z.array(z.enum(PERMISSIONS)),
  'built-in': z.boolean().meta({ description: 'The four built-in roles are fixed; only custom roles change.' }),
  'user-count': z.number().int().meta({ description: 'How many people of the organization hold the role.' }),
  'organization-id': z.string(),
  'created-time': z.string().nullable().meta({ description: 'Null for a built-in role.' }),
  'last-modified-time': z.string().nullable().meta({ description: 'Null for a built-in role.' }),
});

export const roleCreate = z.strictObject({
  name: z.string({ error: NAME_MESSAGE }).regex(ROLE_NAME, { error: NAME_MESSAGE }).meta({ example: 'pharmacist' }),
  'display-name': displayName,
  permissions: permissions.optional(),
});

/** `name` is the role's handle and stays as created: sending it is an unknown parameter. */
export const rolePatch = z.strictObject({
  'display-name': displayName.optional(),
  permissions: permissions.optional(),
});

/** Whose role it is: a user of the organization by id, or by the email they are a member with. */
const userReference = {
  'user-id': z.string().min(1).max(255).optional().meta({ description: 'The user (`usr_...`); or send `email`.' }),
  email: z.string().min(1).max(254).optional().meta({ description: 'The email the user is a member with; or send `user-id`.' }),
};

export const roleUserCreate = z.strictObject({
  'role-id': z.string().min(1).max(255).meta({ description: 'A built-in role (`owner`, `admin`, `developer`, `viewer`) or a `role_...` id.' }),
  ...userReference,
});

export const roleUserRemove = z.strictObject(userReference);

export const roleUserAttributes = z.object({
  'role-id': z.string(),
  'user-id': z.string(),
  email: z.string().meta({ description: 'The email the user had when given the role.' }),
  'created-time': z.string().meta({ description: 'When the user was given the role.' }),
});

export function roleResource(role: Role) {
  return {
    type: ROLE_TYPE,
    id: role.id,
    attributes: {
      name: role.name,
      'display-name': role.displayName,
      permissions: [...role.permissions],
      'built-in': role.builtIn,
      'user-count': role.userCount,
      'organization-id': role.organizationId,
      'created-time': role.createdAt,
      'last-modified-time': role.updatedAt,
    },
  };
}

/** A role-user's id joins the role's and the user's: the pair is what it names. */
export function roleUserResource(holder: RoleHolder) {
  return {
    type: ROLE_USER_TYPE,
    id: `${holder.roleId}:${holder.userId}`,
    attributes: { 'role-id': holder.roleId, 'user-id': holder.userId, email: holder.email, 'created-time': holder.createdAt },
  };
}

type PageQuery = { 'page[limit]': number; 'page[offset]': number };

/** `GET /v1/roles/`: every role fits in one read (at most four plus MAX_CUSTOM_ROLES), so the page is cut here. */
export async function roleList(principal: SessionPrincipal, query: PageQuery & { 'filter[name]'?: string; 'organization-id'?: string }) {
  const organizationId = query['organization-id'];
  if (organizationId !== undefined && organizationId !== principal.organizationId) throw errors.notFound('organization', organizationId.slice(0, 100));
  const roles = await listRoles(principal.organizationId, { name: query['filter[name]'] });
  const { 'page[limit]': limit, 'page[offset]': offset } = query;
  return {
    data: roles.slice(offset, offset + limit).map(roleResource),
    meta: { page: { limit, offset, total: roles.length } },
    links: {},
  };
}

/** `GET /v1/role-users/`: a page of the role's holders, with a link to the next while there is one. */
export async function roleUserList(principal: SessionPrincipal, query: PageQuery & { 'role-id': string }) {
  const { 'page[limit]': limit, 'page[offset]': offset } = query;
  const { role, holders, hasNext } = await listRoleHolders(principal.organizationId, query['role-id'], { limit, offset });
  const next = new URLSearchParams({ 'role-id': role.id, 'page[limit]': String(limit), 'page[offset]': String(offset + limit) });
  return {
    data: holders.map(roleUserResource),
    meta: { page: { limit, offset, ...(role.holderCount !== undefined && { total: role.holderCount }) } },
    links: hasNext ? { next: `/v1/role-users/?${next}` } : {},
  };
}

/** `POST /v1/roles/{id}/remove-user/`: the seed's body is a `roles` resource naming the user. */
export async function removeRoleUser(principal: SessionPrincipal, roleId: string, data: { id?: string; attributes: UserReference }, source: ChangeSource) {
  if (data.id !== undefined && data.id !== roleId) {
    throw errors.invalidParams([{ param: 'data.id', message: 'data.id must be the id in the path', in: 'body' }]);
  }
  await removeRole(principal, roleId, data.attributes, source);
}
