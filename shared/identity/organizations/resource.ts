import * as z from 'zod';
import { organizationOf, type Organization } from '#shared/identity/organizations/organization';

/** The management API's `organizations` resource: the seed's attributes, in kebab-case. */
export const ORGANIZATION_TYPE = 'organizations';

const TIME_ZONES = new Set(Intl.supportedValuesOf('timeZone'));

export const timezoneSchema = z
  .string()
  .refine((zone) => zone === 'UTC' || TIME_ZONES.has(zone), { error: 'timezone must be an IANA time zone such as Europe/Paris or UTC' })
  .meta({ description: 'An IANA time zone.', example: 'Europe/Paris' });

export const organizationAttributes = z.object({
  name: z.string(),
  'display-name': z.string(),
  timezone: z.string(),
  'is-active': z.boolean(),
  'created-time': z.string(),
  'last-modified-time': z.string(),
});

export const organizationPatch = z.strictObject({
  'display-name': z.string().trim().min(1).max(200).optional(),
  timezone: timezoneSchema.optional(),
});

export function organizationResource(organization: Organization) {
  return {
    type: ORGANIZATION_TYPE,
    id: organization.id,
    attributes: {
      name: organization.name,
      'display-name': organization.display_name,
      timezone: organization.timezone,
      'is-active': organization.status === 'active',
      'created-time': organization.created_at,
      'last-modified-time': organization.updated_at,
    },
  };
}

/**
 * The organizations a signed-in person belongs to, as a page: one membership per login for
 * now, so the list is their own organization.
 */
export async function organizationList(
  principal: { organizationId: string },
  page: { 'page[limit]': number; 'page[offset]': number },
) {
  const own = page['page[offset]'] > 0 ? [] : [organizationResource(await organizationOf(principal, principal.organizationId))];
  return { data: own, meta: { page: { limit: page['page[limit]'], offset: page['page[offset]'], total: 1 } }, links: {} };
}
