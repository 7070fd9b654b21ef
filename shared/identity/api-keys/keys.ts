/** The items of API keys, SDK-free so that the CDK can derive IAM patterns from it. */
export const apiKeyKeys = {
  /** A key's record, found by the SHA-256 of the key: the table never holds a usable secret. */
  key: (hash: string) => ({ pk: `APIKEY#${hash}`, sk: 'APIKEY' }),
};
