import { userKeys } from '#shared/api/users/keys';
import { auditKeys } from '#shared/identity/audit/keys';
import { loginKeys } from '#shared/identity/logins/keys';
import { organizationKeys } from '#shared/identity/organizations/keys';
import { passwordResetKeys } from '#shared/identity/passwords/keys';
import { roleKeys } from '#shared/identity/roles/keys';
import { membershipKeys } from '#shared/identity/users/keys';
import { idPattern } from '#shared/platform/ids';

/**
 * What the platform commands (shared/identity/platform/organizations.ts) do to the table, SDK-free
 * so that the CDK grants exactly this: one GetItem, PutItem and UpdateItem (a transaction is
 * authorized per item by these), on the partitions below only, made by the same key builders
 * the commands use, with an organization id pattern in place of the id. No Query, no Scan, no
 * delete, and no tenant data (members, tasks, files, API keys, sessions) and no other role.
 */
export const PLATFORM_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;

export function platformLeadingKeys(): string[] {
  const organization = idPattern('organization');
  return [
    ...new Set([
      organizationKeys.key(organization).pk,
      userKeys.pk(organization),
      // The owner's membership: its email lock, its first history entry, its holding of the
      // owner role, and the organization's count of active owners.
      membershipKeys.email(organization, '*').pk,
      membershipKeys.transitionsPk(organization, idPattern('user')),
      roleKeys.holdersPk(organization, 'owner'),
      roleKeys.activeOwners(organization).pk,
      auditKeys.organizationPk(organization),
      // A login's partition is named by its email, which no pattern can narrow.
      loginKeys.byEmail('*').pk,
      passwordResetKeys.byEmail('*').pk,
    ]),
  ];
}
