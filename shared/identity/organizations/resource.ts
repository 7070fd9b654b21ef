import * as z from 'zod';
import { API_VERSIONS, isVersion } from '#shared/api/versions';
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
  'default-api-version': z.string().meta({ description: 'The API version of a public API call that names none (`osma-api-version`).', example: '2022-07-19' }),
  'rate-limits': z
    .object({ test: z.number().int(), live: z.number().int() })
    .meta({ description: 'Requests per second per endpoint in each mode; the Osma platform team changes them.' }),
  'created-time': z.string(),
  'last-modified-time': z.string(),
});

const RELEASED = API_VERSIONS.map((version) => version.date);
const VERSION_MESSAGE = `default-api-version must be a released API version: ${RELEASED.join(', ')}`;

export const organizationPatch = z.strictObject({
  'display-name': z.string().trim().min(1).max(200).optional(),
  timezone: timezoneSchema.optional(),
  // An enum, so that the document names the released versions (the dashboard offers them).
  'default-api-version': z
    .enum(RELEASED as [string, ...string[]], { error: VERSION_MESSAGE })
    .refine((version) => isVersion(version), { error: VERSION_MESSAGE })
    .optional()
    .meta({ description: 'A released API version (a date).', example: RELEASED[0] }),
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
      'default-api-version': organization.settings.api_version,
      'rate-limits': { test: organization.settings.rate_limits.test, live: organization.settings.rate_limits.live },
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
