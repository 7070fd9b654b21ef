import { idPattern } from '#shared/platform/ids';
import type { Mode } from '#shared/platform/table';

/**
 * Where request logs live, SDK-free so that the CDK grants the indexer exactly these items.
 *
 * - One item per request, in a partition of its own named by the organization and the request
 *   id: `GET /v1/request-logs/{id}/` is one GetItem, and another organization's request id
 *   names an item of another partition, which the caller's key never reaches.
 * - gsi1 lists an organization's requests of one mode newest first: partition
 *   `ORG#<org>#<mode>#REQLOG`, sort key `<answered at, ISO 8601 in ms>#<request id>`, so a
 *   time range is a key condition (what lies outside it is never read).
 */
export const requestLogKeys = {
  key: (organizationId: string, requestId: string) => ({ pk: `ORG#${organizationId}#REQLOG#${requestId}`, sk: 'REQLOG' }),
  listPk: (organizationId: string, mode: Mode) => `ORG#${organizationId}#${mode}#REQLOG`,
  /** The list's sort key: the time first (ISO 8601 sorts as time does), the id to keep it unique. */
  listSk: (createdAt: string, requestId: string) => `${createdAt}#${requestId}`,
  /** The items' partition keys as IAM `dynamodb:LeadingKeys` patterns: what the indexer may write. */
  leadingKeyPatterns: () => [`ORG#${idPattern('organization')}#REQLOG#*`],
};

/**
 * A request id as API Gateway (a UUID) and the local gateway (the same) make it; anything else
 * names no request, and is never used in a key.
 */
export const REQUEST_ID = /^[A-Za-z0-9-]{1,64}$/;

/** Request logs are kept 30 days, then DynamoDB's TTL deletes them. */
export const REQUEST_LOG_RETENTION_SECONDS = 30 * 24 * 60 * 60;
