import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';
import { newId } from '#shared/platform/ids';
import { organizationKeys } from '#shared/identity/organizations/keys';
import { DEFAULT_RATE_LIMITS, type OrganizationSettings } from '#shared/identity/organizations/schemas';
import { errors } from '#shared/platform/errors';
import { timestamp } from '#shared/platform/time';
import { isVersion, LATEST_VERSION } from '#shared/api/versions';
import type { SessionPrincipal } from '#shared/identity/principal';
import { requirePermission } from '#shared/identity/roles/permissions';

/** Organizations own everything else. */
export interface Organization {
  id: string;
  name: string;
  /** What people see; the name is the organization's handle. */
  display_name: string;
  /** IANA time zone, for dates shown to the organization's people. */
  timezone: string;
  /** A suspended organization's API keys and sessions stop working. */
  status: 'active' | 'suspended';
  created_at: string;
  updated_at: string;
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
  const { organization, item } = newOrganization(name, settings);
  await db().send(new PutCommand({ TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
  return organization;
}

/**
 * A new organization and its item, for a caller that puts it in a transaction of its own (the
 * platform's create-organization, with its owner and audit event); put it only where none is.
 */
export function newOrganization(
  name: string,
  settings: Partial<OrganizationSettings> = {},
  now: string = timestamp(),
): { organization: Organization; item: Record<string, unknown> } {
  const organization: Organization = {
    id: newId('organization'),
    name,
    display_name: name,
    timezone: 'UTC',
    status: 'active',
    created_at: now,
    updated_at: now,
    settings: checked(withDefaults(settings)),
  };
  return { organization, item: { ...organizationKeys.key(organization.id), entity: 'organization', ...organization } };
}

/** With `consistent`, a strongly consistent read: what a change just wrote, never the state before it. */
export async function getOrganization(id: string, options: { consistent?: boolean } = {}): Promise<Organization | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: organizationKeys.key(id), ConsistentRead: options.consistent }),
  );
  if (!Item) return undefined;
  // Items written before a field existed read as its default.
  return {
    id: Item.id,
    name: Item.name,
    display_name: Item.display_name ?? Item.name,
    timezone: Item.timezone ?? 'UTC',
    status: Item.status ?? 'active',
    created_at: Item.created_at,
    updated_at: Item.updated_at ?? Item.created_at,
    settings: withDefaults(Item.settings ?? {}),
  };
}

/** The profile an organization's owners and admins may change. */
export interface OrganizationProfile {
  display_name?: string;
  timezone?: string;
}

export async function updateOrganizationProfile(id: string, profile: OrganizationProfile): Promise<Organization> {
  const changes = Object.entries(profile).filter(([, value]) => value !== undefined);
  const current = await getOrganization(id);
  if (!current) throw errors.notFound('organization', id);
  if (changes.length === 0) return current;
  const now = timestamp();
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: organizationKeys.key(id),
      UpdateExpression: `SET ${changes.map(([name]) => `#${name} = :${name}`).join(', ')}, updated_at = :now`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: Object.fromEntries(changes.map(([name]) => [`#${name}`, name])),
      ExpressionAttributeValues: { ...Object.fromEntries(changes.map(([name, value]) => [`:${name}`, value])), ':now': now },
    }),
  );
  return { ...current, ...Object.fromEntries(changes), updated_at: now };
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

/**
 * What a signed-in person may see and change of organizations: only their own. Another
 * organization's id is not found, never forbidden, so ids tell nothing.
 */
export async function organizationOf(principal: { organizationId: string }, id: string): Promise<Organization> {
  const organization = id === principal.organizationId ? await getOrganization(id) : undefined;
  if (!organization) throw errors.notFound('organization', id);
  return organization;
}

/** A PATCH by a signed-in person: their own organization, with organization.write. */
export async function changeOrganization(
  principal: SessionPrincipal,
  id: string,
  resource: { id?: string; attributes: { 'display-name'?: string; timezone?: string } },
): Promise<Organization> {
  await organizationOf(principal, id);
  if (resource.id !== undefined && resource.id !== id) {
    throw errors.invalidParams([{ param: 'data.id', message: 'data.id must be the id in the path', in: 'body' }]);
  }
  requirePermission(principal, 'organization.write');
  return updateOrganizationProfile(id, { display_name: resource.attributes['display-name'], timezone: resource.attributes.timezone });
}
