/**
 * The items of TOTP MFA, SDK-free so that the CDK can derive IAM patterns from it. They live
 * in the login's own partition (`LOGIN#<login id>`: a login is global, apart from its
 * memberships), so one Query lists a login's configurations and nothing of another login.
 *
 * - `TOTP#<totp id>`: one configuration (pending, enabled or disabled), its secret encrypted.
 * - `TOTP-ENABLED`: the id of the one enabled configuration. Enabling puts it only where there
 *   is none, so two configurations can never be enabled at once, and a sign-in learns whether
 *   it needs a code from one GetItem.
 */
export const TOTP_CONFIG_PREFIX = 'TOTP#';

export const totpKeys = {
  pk: (loginId: string) => `LOGIN#${loginId}`,
  config: (loginId: string, id: string) => ({ pk: totpKeys.pk(loginId), sk: `${TOTP_CONFIG_PREFIX}${id}` }),
  enabled: (loginId: string) => ({ pk: totpKeys.pk(loginId), sk: 'TOTP-ENABLED' }),
  /** Every login's partition, as a `dynamodb:LeadingKeys` pattern. */
  leadingKeyPattern: 'LOGIN#*',
};
