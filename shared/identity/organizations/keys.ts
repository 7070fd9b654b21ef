/** The items of organizations, SDK-free so that the CDK can derive IAM patterns from it. */
export const organizationKeys = {
  key: (id: string) => ({ pk: `ORG#${id}`, sk: 'ORGANIZATION' }),
};
