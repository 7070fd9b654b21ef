/**
 * Where audit items live, SDK-free so that the CDK can derive its grants from the same shapes.
 *
 * - An organization's events: partition `ORG#<organization id>#AUDIT`, sort key the event's
 *   id (`aud_` + a KSUID, so by time): its list is one Query, newest first, and no other
 *   tenant's event can be in it.
 * - Events of no organization (a failed login for an email no one has): one partition per UTC
 *   day, `PLATFORM#AUDIT#<yyyy-mm-dd>`, same sort key. A day bounds what one Query reads when
 *   the platform team looks into an attack, and spreads a flood of such events over partitions
 *   instead of growing one for ever.
 */
export const auditKeys = {
  organizationPk: (organizationId: string) => `ORG#${organizationId}#AUDIT`,
  platformPk: (day: string) => `PLATFORM#AUDIT#${day}`,
  /** The event's key: in its organization's partition, or in the platform's partition of its day. */
  key: (id: string, where: { organizationId?: string; day: string }) => ({
    pk: where.organizationId ? auditKeys.organizationPk(where.organizationId) : auditKeys.platformPk(where.day),
    sk: id,
  }),
  /** The partition keys above as IAM `dynamodb:LeadingKeys` patterns. */
  leadingKeyPatterns: ['ORG#org_*#AUDIT', 'PLATFORM#AUDIT#*'],
};
