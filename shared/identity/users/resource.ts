import * as z from 'zod';
import { REGISTRATION_INVITES } from '#shared/identity/users/lifecycle';
import { rolesById, type MembershipItem, type RoleSummary } from '#shared/identity/users/membership';

/**
 * The management API's `users` resource: seed 003's attributes in kebab-case, the OS1 lifecycle
 * `state`, and the OS1 attributes of seed 002 (kept in the item's `profile` under these names).
 */
export const USER_TYPE = 'users';

/** The OS1 attributes, as the API names them; each is validated where it is written. */
export const PROFILE_ATTRIBUTES = [
  'designation',
  'category',
  'employment-type',
  'primary-mobile',
  'secondary-mobile',
  'work-locations',
  'manager',
  'identification',
  'sub-function',
  'file-id',
] as const;
export type ProfileAttribute = (typeof PROFILE_ATTRIBUTES)[number];

const mobile = z.object({ 'country-code': z.string(), number: z.string() });

export const roleReference = z.object({ id: z.string(), name: z.string(), 'display-name': z.string() });

export const userAttributes = z.object({
  email: z.string(),
  'first-name': z.string(),
  'middle-name': z.string().nullable(),
  'last-name': z.string().nullable(),
  phone: z.string().nullable(),
  locale: z.string().nullable(),
  'external-ref': z.string().nullable(),
  state: z.string().meta({ description: '`<state>:<sub-state>`: onboarding, active, deboarding or inactive.', example: 'active:available' }),
  enabled: z.boolean().meta({ description: 'False once inactive.' }),
  'registration-invite': z.enum(REGISTRATION_INVITES),
  roles: z.array(roleReference),
  'last-login-time': z.string().nullable(),
  'date-created': z.string(),
  'last-modified-time': z.string(),
  'organization-id': z.string(),
  'created-by': z.string().nullable(),
  designation: z.string().nullable(),
  category: z.enum(['regular', 'adhoc']).nullable(),
  'employment-type': z.string().nullable(),
  'primary-mobile': mobile.nullable(),
  'secondary-mobile': mobile.nullable(),
  'work-locations': z.array(z.string()).nullable(),
  manager: z.string().nullable(),
  identification: z.string().nullable(),
  'sub-function': z.string().nullable(),
  'file-id': z.string().nullable(),
  attributes: z.record(z.string(), z.string()),
});
export type UserAttributes = z.infer<typeof userAttributes>;

/** One user as the management API answers it; `roles` must hold the user's custom roles. */
export function userResource(user: MembershipItem, roles: ReadonlyMap<string, RoleSummary>) {
  const profile = (user.profile ?? {}) as Partial<Record<ProfileAttribute, unknown>>;
  const attributes: UserAttributes = {
    email: user.email,
    'first-name': user.first_name,
    'middle-name': user.middle_name ?? null,
    'last-name': user.last_name ?? null,
    phone: user.phone ?? null,
    locale: user.locale ?? null,
    'external-ref': user.external_ref ?? null,
    state: user.state,
    enabled: !user.state.startsWith('inactive:'),
    'registration-invite': user.registration_invite ?? 'none',
    roles: (user.role_ids ?? []).flatMap((id) => {
      const role = roles.get(id);
      return role ? [{ id, name: role.name, 'display-name': role.displayName }] : [];
    }),
    'last-login-time': user.last_login_time ?? null,
    'date-created': user.created_at,
    'last-modified-time': user.updated_at,
    'organization-id': user.organization_id,
    'created-by': user.created_by ?? null,
    designation: (profile.designation as string | undefined) ?? null,
    category: (profile.category as 'regular' | 'adhoc' | undefined) ?? null,
    'employment-type': (profile['employment-type'] as string | undefined) ?? null,
    'primary-mobile': (profile['primary-mobile'] as UserAttributes['primary-mobile'] | undefined) ?? null,
    'secondary-mobile': (profile['secondary-mobile'] as UserAttributes['secondary-mobile'] | undefined) ?? null,
    'work-locations': (profile['work-locations'] as string[] | undefined) ?? null,
    manager: (profile.manager as string | undefined) ?? null,
    identification: (profile.identification as string | undefined) ?? null,
    'sub-function': (profile['sub-function'] as string | undefined) ?? null,
    'file-id': (profile['file-id'] as string | undefined) ?? null,
    attributes: user.attributes ?? {},
  };
  return { type: USER_TYPE, id: user.id, attributes };
}

/** Users as resources, reading the custom roles they hold once for all of them. */
export async function userResources(organizationId: string, users: MembershipItem[]) {
  const roles = await rolesById(organizationId, users.flatMap((user) => user.role_ids ?? []));
  return users.map((user) => userResource(user, roles));
}
