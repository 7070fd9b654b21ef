import { scopeKey, type Scope } from '#shared/platform/table';

/**
 * The items the guarantees write, and the IAM patterns of their partition keys, side by side
 * so that the grant cannot drift from the key it covers. SDK-free: the CDK reads it.
 *
 * The infrastructure grants a read-only route these writes only on items whose partition key
 * has such a record's shape (`dynamodb:LeadingKeys`), so it can count its requests and store
 * its idempotent answers, and change nothing else.
 */
export const rateLimitKeys = {
  counter: (scope: Scope, operationId: string, window: number) => ({
    pk: `${scopeKey(scope)}#RATE#${operationId}#${window}`,
    sk: 'RATE',
  }),
  leadingKeyPattern: 'ORG#org_*#RATE#*',
  actions: ['dynamodb:UpdateItem'],
};

export const idempotencyKeys = {
  record: (scope: Scope, key: string) => ({ pk: `${scopeKey(scope)}#IDEMPOTENCY#${key}`, sk: 'IDEMPOTENCY' }),
  leadingKeyPattern: 'ORG#org_*#IDEMPOTENCY#*',
  actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
};
