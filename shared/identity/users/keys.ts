import { userKeys } from '#shared/api/users/keys';
import { normalizeEmail } from '#shared/identity/logins/keys';

/**
 * The people of an organization (memberships): the user item `ORG#<org>#USER` / `usr_...` that
 * the public API also reads, and what makes lookups and uniqueness cheap. SDK-free: the CDK
 * reads it.
 *
 * - gsi1 lists an organization's users by state (`onboarding`, `active`, ...), newest first.
 * - An email is unique in an organization, an `external-ref` too: each is a lock item that
 *   names its user, written in the transaction that takes it, so `filter[email]` and a
 *   `ref:` lookup are GetItems.
 * - Each lifecycle move leaves a history item in the user's own transitions partition.
 */
export const membershipKeys = {
  user: userKeys.key,
  usersPk: userKeys.pk,
  byState: (organizationId: string, state: string) => `ORG#${organizationId}#USER#STATE#${state}`,
  email: (organizationId: string, email: string) => ({ pk: `ORG#${organizationId}#USER_EMAIL#${normalizeEmail(email)}`, sk: 'USER_EMAIL' }),
  externalRef: (organizationId: string, ref: string) => ({ pk: `ORG#${organizationId}#USER_REF#${ref}`, sk: 'USER_REF' }),
  transitionsPk: (organizationId: string, userId: string) => `ORG#${organizationId}#USER#${userId}#TRANSITION`,
  transition: (organizationId: string, userId: string, transitionId: string) => ({
    pk: membershipKeys.transitionsPk(organizationId, userId),
    sk: transitionId,
  }),
};
