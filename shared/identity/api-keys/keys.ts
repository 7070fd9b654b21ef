/**
 * The items of API keys, SDK-free so that the CDK can derive IAM patterns from it.
 *
 * - `APIKEY#<sha-256 of the key>` / `APIKEY`: the key's record, and the one item the public
 *   API's authorizer reads (one GetItem by hash). Every change of a key (name, status,
 *   expiry, last use) is made to this item, so there is one source of truth.
 * - `ORG#<org>#APIKEY` / `key_...`: the listing item, written once, in the creation's
 *   transaction, and never changed: it names the record's hash, so that an organization's keys
 *   are listed (one Query, newest first) and found by id, and another organization's id is not.
 */
export const apiKeyKeys = {
  /** A key's record, found by the SHA-256 of the key: the table never holds a usable secret. */
  key: (hash: string) => ({ pk: `APIKEY#${hash}`, sk: 'APIKEY' }),
  listingPk: (organizationId: string) => `ORG#${organizationId}#APIKEY`,
  listing: (organizationId: string, id: string) => ({ pk: `ORG#${organizationId}#APIKEY`, sk: id }),
  /** What the public API's authorizer may write (a key's last use), and only on records. */
  authorizerWrites: { actions: ['dynamodb:UpdateItem'], leadingKeys: ['APIKEY#*'] },
};
