

/** The table keys of this resource's items: SDK-free, so any module or the CDK can name them without loading the resource. */
/**
 * Users are the people who do the work. Unlike every other resource they are the same in
 * test and live mode, so their key has the organization and no mode. The management plane
 * writes them (memberships); this API only reads them.
 */
export const userKeys = {
  pk: (organizationId: string) => `ORG#${organizationId}#USER`,
  key: (organizationId: string, id: string) => ({ pk: userKeys.pk(organizationId), sk: id }),
};
