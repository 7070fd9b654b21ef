import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';
import { newId } from '#shared/platform/ids';
import { organizationKeys } from '#shared/identity/organizations/keys';
import { DEFAULT_RATE_LIMITS, type OrganizationSettings } from '#shared/identity/organizations/schemas';
import { errors } from '#shared/platform/errors';
import { timestamp } from '#shared/platform/time';
import { isVersion, LATEST_VERSION } from '#shared/api/versions';

/** Organizations own everything else. */
export interface Organization {
  id: string;
  name: string;
  created_at: string;
  settings: OrganizationSettings;
}


/** New organizations are pinned to the newest API version, as Stripe pins an account at signup. */
export function defaultSettings(): OrganizationSettings {
  return { rate_limits: { ...DEFAULT_RATE_LIMITS }, api_version: LATEST_VERSION };
}

export async function createOrganization(
  name: string,
  settings: Partial<OrganizationSettings> = {},
): Promise<Organization> {
  const organization: Organization = {
    id: newId('organization'),
    name,
    created_at: timestamp(),
    settings: checked(withDefaults(settings)),
  };
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...organizationKeys.key(organization.id), entity: 'organization', ...organization },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return organization;
}

export async function getOrganization(id: string): Promise<Organization | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: organizationKeys.key(id) }));
  if (!Item) return undefined;
  return { id: Item.id, name: Item.name, created_at: Item.created_at, settings: withDefaults(Item.settings ?? {}) };
}

/**
 * Changes an organization's settings (what "contact support to raise your limit" does).
 * Requests see the change when the authorizer's cached answer for a key expires.
 */
export async function updateOrganizationSettings(id: string, settings: Partial<OrganizationSettings>): Promise<Organization> {
  const current = await getOrganization(id);
  if (!current) throw errors.notFound('organization', id);
  const next = checked(withDefaults({ ...current.settings, ...settings }));
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: organizationKeys.key(id),
      UpdateExpression: 'SET settings = :settings',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':settings': next },
    }),
  );
  return { ...current, settings: next };
}

/** Items written before a setting existed get its default, so old organizations keep working. */
function withDefaults(settings: Partial<OrganizationSettings>): OrganizationSettings {
  const defaults = defaultSettings();
  return {
    rate_limits: { ...defaults.rate_limits, ...settings.rate_limits },
    api_version: settings.api_version ?? defaults.api_version,
  };
}

/** A setting that requests could not honour is refused when it is written, not when it is read. */
function checked(settings: OrganizationSettings): OrganizationSettings {
  for (const [mode, limit] of Object.entries(settings.rate_limits)) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw errors.invalidParams([{ param: `rate_limits.${mode}`, message: `rate_limits.${mode} must be a positive integer` }]);
    }
  }
  if (!isVersion(settings.api_version)) {
    throw errors.invalidParams([
      { param: 'api_version', message: `api_version must be a released API version, not ${settings.api_version}` },
    ]);
  }
  return settings;
}
