/**
 * The one DynamoDB table, described once for both the CDK stack and the local stack.
 * Keys are strings; global secondary indexes are overloaded (gsiNpk/gsiNsk)
 * so that each entity module decides what it indexes.
 */
export const TABLE_DEFINITION = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expires_at',
  globalIndexes: [
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  ],
} as const;

export type Mode = 'test' | 'live';

/** Who a request acts for: the organization and mode that its API key decided. */
export interface Scope {
  organizationId: string;
  mode: Mode;
}

/**
 * The partition key prefix of every mode-scoped item. A key of one mode can never name an
 * item of the other: the mode is part of every key, not a filter.
 */
export function scopeKey(scope: Scope): string {
  return `ORG#${scope.organizationId}#${scope.mode}`;
}
