import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '#shared/platform/config';
import { db, failedConditions } from '#shared/platform/db';
import { auditItem, type AuditData, type AuditEvent } from '#shared/identity/audit/audit';
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
  const current = await getOrganization(id, { consistent: true });
  if (!current) throw errors.notFound('organization', id);
  return writeChange(current, profile, {});
}

/**
 * Changes an organization's settings (what "contact support to raise your limit" does), each
 * named setting alone, so that a change of one never writes back a stale copy of another.
 * With `actor`, the change and its `organization.updated` audit event are one transaction.
 * Requests see the change when the authorizer's cached answer for a key expires.
 */
export async function updateOrganizationSettings(
  id: string,
  settings: Partial<OrganizationSettings>,
  actor?: AuditEvent['actor'],
): Promise<Organization> {
  const current = await getOrganization(id, { consistent: true });
  if (!current) throw errors.notFound('organization', id);
  return writeChange(current, {}, settings, actor && { actor, data: settingsAuditData(settings) });
}

function settingsAuditData(settings: Partial<OrganizationSettings>): AuditData {
  return {
    fields: Object.keys(settings).map((name) => SETTING_ATTRIBUTES[name as keyof OrganizationSettings]).join(','),
    ...(settings.api_version !== undefined && { 'default-api-version': settings.api_version }),
    ...(settings.rate_limits !== undefined && { 'rate-limit-test': settings.rate_limits.test, 'rate-limit-live': settings.rate_limits.live }),
  };
}

/** The management API's names of the settings, for audit events. */
const SETTING_ATTRIBUTES: Record<keyof OrganizationSettings, string> = { api_version: 'default-api-version', rate_limits: 'rate-limits' };

/**
 * Writes the fields of a profile and settings change that differ from `current`, with the
 * audit event when one is given, in one transaction; nothing when nothing differs. Settings are
 * set one by one inside the `settings` map; an item written before the map existed gets it
 * whole, from its defaults (a second attempt, conditional on the map still being absent).
 */
async function writeChange(
  current: Organization,
  profile: OrganizationProfile,
  settings: Partial<OrganizationSettings>,
  audit?: { actor: AuditEvent['actor']; data: AuditData; ip?: string; userAgent?: string },
): Promise<Organization> {
  const profileChanges = Object.entries(profile).filter(([name, value]) => value !== undefined && value !== current[name as keyof Organization]);
  const settingChanges = Object.entries(settings).filter(
    ([name, value]) => value !== undefined && JSON.stringify(value) !== JSON.stringify(current.settings[name as keyof OrganizationSettings]),
  );
  if (profileChanges.length === 0 && settingChanges.length === 0) return current;
  const next = checked(withDefaults({ ...current.settings, ...Object.fromEntries(settingChanges) }));
  const now = new Date();
  const updatedAt = timestamp(now);
  const auditPut = audit && {
    Put: {
      TableName: tableName(),
      Item: auditItem(
        {
          organizationId: current.id,
          action: 'organization.updated',
          actor: audit.actor,
          target: { type: 'organization', id: current.id },
          ip: audit.ip,
          userAgent: audit.userAgent,
          data: audit.data,
        },
        now,
      ),
    },
  };
  const names: Record<string, string> = Object.fromEntries(profileChanges.map(([name]) => [`#${name}`, name]));
  const values: Record<string, unknown> = { ...Object.fromEntries(profileChanges.map(([name, value]) => [`:${name}`, value])), ':now': updatedAt };
  const sets = [...profileChanges.map(([name]) => `#${name} = :${name}`), 'updated_at = :now'];
  for (const wholeMap of [false, true]) {
    const settingSets = settingChanges.length === 0 ? [] : wholeMap ? ['settings = :settings'] : settingChanges.map(([name]) => `settings.#s_${name} = :s_${name}`);
    const settingNames = wholeMap ? {} : Object.fromEntries(settingChanges.map(([name]) => [`#s_${name}`, name]));
    const settingValues = wholeMap
      ? { ':settings': next }
      : Object.fromEntries(settingChanges.map(([name]) => [`:s_${name}`, next[name as keyof OrganizationSettings]]));
    const mapCondition = settingChanges.length === 0 ? '' : wholeMap ? ' AND attribute_not_exists(settings)' : ' AND attribute_exists(settings)';
    try {
      await db().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: tableName(),
                Key: organizationKeys.key(current.id),
                UpdateExpression: `SET ${[...sets, ...settingSets].join(', ')}`,
                ConditionExpression: `attribute_exists(pk)${mapCondition}`,
                ExpressionAttributeNames: Object.keys({ ...names, ...settingNames }).length ? { ...names, ...settingNames } : undefined,
                ExpressionAttributeValues: { ...values, ...settingValues },
              },
            },
            ...(auditPut ? [auditPut] : []),
          ],
        }),
      );
      return { ...current, ...Object.fromEntries(profileChanges), settings: next, updated_at: updatedAt };
    } catch (error) {
      if (!failedConditions(error)?.includes(0)) throw error;
      // Either the organization is gone, or its item has no settings map: the second attempt tells.
      if (settingChanges.length === 0 || wholeMap) throw errors.notFound('organization', current.id);
    }
  }
  throw errors.notFound('organization', current.id);
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

/** What a PATCH of `organizations` may send: the profile and the default API version (`rate-limits` is the platform's). */
export interface OrganizationPatch {
  'display-name'?: string;
  timezone?: string;
  'default-api-version'?: string;
}

/**
 * A PATCH by a signed-in person: their own organization, with organization.write. The change
 * and its `organization.updated` audit event (which fields, and the new default version) are
 * one transaction; a PATCH that changes nothing writes nothing.
 */
export async function changeOrganization(
  principal: SessionPrincipal,
  id: string,
  resource: { id?: string; attributes: OrganizationPatch },
  source: { ip: string; userAgent?: string } = { ip: '' },
): Promise<Organization> {
  const current = id === principal.organizationId ? await getOrganization(id, { consistent: true }) : undefined;
  if (!current) throw errors.notFound('organization', id);
  if (resource.id !== undefined && resource.id !== id) {
    throw errors.invalidParams([{ param: 'data.id', message: 'data.id must be the id in the path', in: 'body' }]);
  }
  requirePermission(principal, 'organization.write');
  const { 'display-name': displayName, timezone, 'default-api-version': apiVersion } = resource.attributes;
  const sent = Object.entries(resource.attributes).filter(([, value]) => value !== undefined).map(([name]) => name);
  return writeChange(
    current,
    { display_name: displayName, timezone },
    apiVersion === undefined ? {} : { api_version: apiVersion },
    {
      actor: { type: 'user', id: principal.userId },
      data: { fields: sent.join(','), ...(apiVersion !== undefined && { 'default-api-version': apiVersion, 'previous-api-version': current.settings.api_version }) },
      ip: source.ip,
      userAgent: source.userAgent,
    },
  );
}
