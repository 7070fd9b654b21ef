import { randomBytes } from 'node:crypto';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { auditItem, type AuditAction } from '#shared/identity/audit/audit';
import { ownerItems } from '#shared/identity/logins/owner';
import { organizationKeys } from '#shared/identity/organizations/keys';
import {
  getOrganization,
  newOrganization,
  updateOrganizationSettings,
  type Organization,
} from '#shared/identity/organizations/organization';
import { hashPassword } from '#shared/identity/passwords/hash';
import { newResetCode } from '#shared/identity/passwords/reset-code';
import type { Mode } from '#shared/platform/table';
import { tableName } from '#shared/platform/config';
import { cancelledItem, db, failedConditions } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';
import { timestamp } from '#shared/platform/time';

/**
 * What the platform team does to organizations, through the IAM-only platform function
 * (functions/platform/admin.ts) or `npm run admin -- --local`: never a route of either API.
 * Each change and its audit event (actor `platform`) are one transaction.
 */
const PLATFORM_ACTOR = { type: 'platform' } as const;

export interface CreatedOrganization {
  organization: Organization;
  owner: { userId: string; loginId: string; email: string };
  /**
   * The owner has no password yet: this code (a password-reset code for the purpose
   * `owner-setup`) lets them set one through confirm-forgot-password, until `expiresAt`.
   */
  passwordSetup: { code: string; expiresAt: Date };
}

/**
 * A new organization and its first owner: the organization, the owner's membership (active,
 * role owner) and login, a code to set the first password, and the audit event, in one
 * transaction. The login is made with the hash of a random password that is thrown away, so
 * no password signs in until the owner sets one, and a sign-in attempt costs what any other
 * does (a malformed hash would be refused faster, and tell that the login has no password).
 * An email that has a login already is a 409 and nothing is written.
 */
export async function createOrganizationWithOwner(input: {
  name: string;
  ownerEmail: string;
  ownerFirstName?: string;
  ownerLastName?: string;
}): Promise<CreatedOrganization> {
  const now = new Date();
  const { organization, item } = newOrganization(input.name, {}, timestamp(now));
  const owner = ownerItems({
    organizationId: organization.id,
    email: input.ownerEmail,
    passwordHash: await hashPassword(randomBytes(32).toString('base64url')),
    firstName: input.ownerFirstName ?? '',
    lastName: input.ownerLastName ?? '',
  });
  const setup = newResetCode(
    { email: owner.email, loginId: owner.loginId, userId: owner.userId, organizationId: organization.id },
    'owner-setup',
    now,
  );
  const LOGIN_PUT = 1;
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
          ...owner.puts,
          { Put: { TableName: tableName(), Item: setup.item } },
          {
            Put: {
              TableName: tableName(),
              Item: auditItem(
                {
                  organizationId: organization.id,
                  action: 'organization.created',
                  actor: PLATFORM_ACTOR,
                  target: { type: 'organization', id: organization.id },
                  data: { 'owner-user-id': owner.userId },
                },
                now,
              ),
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (failedConditions(error)?.includes(LOGIN_PUT)) {
      throw errors.alreadyExists(`The email ${owner.email} already has a login.`, 'ownerEmail');
    }
    throw error;
  }
  return {
    organization,
    owner: { userId: owner.userId, loginId: owner.loginId, email: owner.email },
    passwordSetup: { code: setup.code, expiresAt: setup.expiresAt },
  };
}

export type OrganizationStatus = Organization['status'];

const STATUS_ACTIONS: Record<OrganizationStatus, AuditAction> = {
  suspended: 'organization.suspended',
  active: 'organization.reactivated',
};

/**
 * Suspends or reactivates an organization, with its audit event in the same transaction. Its
 * API keys and sessions are refused while it is suspended, by the authorizers (within their
 * cache time) and at sign-in; nothing is deleted, so reactivating restores them. Asking for the
 * status it has already changes nothing and records nothing (`changed: false`).
 */
export async function setOrganizationStatus(
  id: string,
  status: OrganizationStatus,
): Promise<{ organization: Organization; changed: boolean }> {
  const now = new Date();
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName(),
              Key: organizationKeys.key(id),
              UpdateExpression: 'SET #status = :status, updated_at = :now',
              // Items written before `status` existed are active.
              ConditionExpression:
                status === 'active'
                  ? 'attribute_exists(pk) AND #status <> :status AND attribute_exists(#status)'
                  : 'attribute_exists(pk) AND (#status <> :status OR attribute_not_exists(#status))',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':status': status, ':now': timestamp(now) },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          {
            Put: {
              TableName: tableName(),
              Item: auditItem(
                { organizationId: id, action: STATUS_ACTIONS[status], actor: PLATFORM_ACTOR, target: { type: 'organization', id } },
                now,
              ),
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (!failedConditions(error)?.includes(0)) throw error;
    if (!cancelledItem(error, 0)) throw errors.notFound('organization', id);
    return { organization: await existing(id), changed: false };
  }
  return { organization: await existing(id), changed: true };
}

/**
 * Sets one or both modes' rate limits (requests per second, per endpoint), keeping the other,
 * audited as `organization.updated` in the same transaction. Requests see it when the API key authorizer's cached answer for a key expires.
 */
export async function setRateLimits(id: string, limits: Partial<Record<Mode, number>>): Promise<Organization> {
  const current = await existing(id);
  return updateOrganizationSettings(id, { rate_limits: { ...current.settings.rate_limits, ...limits } }, PLATFORM_ACTOR);
}

async function existing(id: string): Promise<Organization> {
  const organization = await getOrganization(id, { consistent: true });
  if (!organization) throw errors.notFound('organization', id);
  return organization;
}
