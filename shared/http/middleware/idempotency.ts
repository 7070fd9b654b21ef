import { createHash } from 'node:crypto';
import type { MiddlewareObj, Request } from '@middy/core';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { tableName } from '#shared/platform/config';
import { db, isConditionFailure } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';
import { logger } from '#shared/platform/logger';
import type { RouteDefinition } from '#shared/http/route';
import { idempotencyKeys } from '#shared/http/middleware/keys';
import { requestHeader, requestState } from '#shared/http/middleware/request-state';
import type { Scope } from '#shared/platform/table';

/**
 * Idempotency for every POST, as the spec describes it: with an `idempotency-key` header the
 * first answer, success or error, is stored with its status, headers and body, and every
 * retry with that key gets it back as it was, marked `idempotent-replayed: true`.
 *
 * One record per (organization, mode, key), claimed by a conditional PutItem before the
 * handler runs. When the claim fails, DynamoDB hands back the record that holds the key
 * (ReturnValuesOnConditionCheckFailure), so deciding costs no read:
 *
 * - other parameters, or another endpoint: 400 idempotency_error (the stored answer stays);
 * - the first request has answered: its stored answer, replayed;
 * - the first request is still running: 409 idempotency_error.
 *
 * An in-progress record holds its lock only as long as the Lambda that claimed it can run
 * (`locked_until`), so a request that crashed mid-way leaves the key free for a retry once
 * that time is past. Records live 24 hours (`expires_at`, the table's TTL attribute); one
 * past that is treated as absent even before DynamoDB deletes it.
 *
 * The parameters compared are the route, its path and query parameters, and the parsed
 * JSON body with keys sorted, so whitespace or key order is not a difference.
 */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';
export const MAX_KEY_LENGTH = 255;
export const RECORD_TTL_SECONDS = 24 * 60 * 60;
/** How long a claim holds when the Lambda context cannot tell its remaining time. */
const DEFAULT_LOCK_MS = 30_000;

export interface StoredResponse {
  status_code: number;
  headers: Record<string, string>;
  body: string;
}

export interface IdempotencyRecord {
  pk: string;
  sk: string;
  entity: 'idempotency_record';
  status: 'in_progress' | 'completed';
  operation_id: string;
  fingerprint: string;
  /** The request that holds (or held) the claim; only it may complete the record. */
  owner: string;
  /** Epoch milliseconds until which an in-progress claim holds. */
  locked_until?: number;
  /** Epoch seconds: the table's TTL attribute. */
  expires_at: number;
  response?: StoredResponse;
  created_at: string;
}

interface Claim {
  scope: Scope;
  key: string;
  owner: string;
}

type Middleware = MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult>;
type MiddyRequest = Request<APIGatewayProxyEvent, APIGatewayProxyResult>;

/** Whose keys a request's idempotency key is one of; undefined leaves the request alone. */
export type IdempotencyScope = (event: APIGatewayProxyEvent) => Scope | undefined;

export function idempotency(route: RouteDefinition, scopeOf: IdempotencyScope): Middleware {
  const claims = new WeakMap<APIGatewayProxyEvent, Claim>();

  const finish = async (request: MiddyRequest) => {
    const claim = claims.get(request.event);
    if (!claim) return;
    claims.delete(request.event);
    if (request.response) await storeResponse(claim, request.response);
    else await releaseClaim(claim);
  };

  return {
    before: async (request) => {
      const { event, context } = request;
      const key = requestHeader(event, IDEMPOTENCY_HEADER);
      const scope = scopeOf(event);
      if (key === undefined || !scope) return;
      if (key.length === 0 || key.length > MAX_KEY_LENGTH) throw errors.idempotencyKeyInvalid(MAX_KEY_LENGTH);

      const now = Date.now();
      const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 0;
      const record: IdempotencyRecord = {
        ...idempotencyKeys.record(scope, key),
        entity: 'idempotency_record',
        status: 'in_progress',
        operation_id: route.operationId,
        fingerprint: fingerprint(route, event),
        owner: event.requestContext.requestId,
        locked_until: now + (remaining > 0 ? remaining : DEFAULT_LOCK_MS) + 1_000,
        expires_at: Math.floor(now / 1000) + RECORD_TTL_SECONDS,
        created_at: new Date(now).toISOString(),
      };
      const holder = await claimKey(record, now);
      if (!holder) {
        claims.set(event, { scope, key, owner: record.owner });
        return;
      }
      if (holder.operation_id !== route.operationId) throw errors.idempotencyOtherEndpoint();
      if (holder.fingerprint !== record.fingerprint) throw errors.idempotencyMismatch();
      if (holder.status !== 'completed' || !holder.response) throw errors.idempotencyInFlight();
      requestState(event).replayed = true;
      // Returning ends this (inner) handler early with the stored answer, as it was.
      return {
        statusCode: holder.response.status_code,
        headers: { ...holder.response.headers, [REPLAYED_HEADER]: 'true' },
        body: holder.response.body,
      };
    },
    after: finish,
    onError: finish,
  };
}

/**
 * Claims the key for this request, or returns the record that holds it. The claim succeeds
 * when no record exists, the record is past its 24 hours, or it is an in-progress record
 * whose claimer can no longer be running.
 */
async function claimKey(record: IdempotencyRecord, now: number): Promise<IdempotencyRecord | undefined> {
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: record,
        ConditionExpression:
          'attribute_not_exists(pk) OR expires_at < :now_seconds OR (#status = :in_progress AND locked_until < :now)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':now_seconds': Math.floor(now / 1000), ':now': now, ':in_progress': 'in_progress' },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return undefined;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const item = (error as { Item?: Record<string, AttributeValue> }).Item;
    if (!item) throw error;
    return unmarshall(item) as IdempotencyRecord;
  }
}

/** Stores the answer for retries; only the request that holds the claim may. */
async function storeResponse(claim: Claim, response: APIGatewayProxyResult): Promise<void> {
  const stored: StoredResponse = {
    status_code: response.statusCode,
    headers: Object.fromEntries(Object.entries(response.headers ?? {}).map(([name, value]) => [name, String(value)])),
    body: response.isBase64Encoded ? Buffer.from(response.body, 'base64').toString('utf8') : response.body,
  };
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: idempotencyKeys.record(claim.scope, claim.key),
        UpdateExpression: 'SET #status = :completed, #response = :response REMOVE locked_until',
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#status': 'status', '#response': 'response', '#owner': 'owner' },
        ExpressionAttributeValues: { ':completed': 'completed', ':response': stored, ':owner': claim.owner },
      }),
    );
  } catch (error) {
    // The answer still goes to the client; a retry after the claim lapses runs the request again.
    logger.error('idempotency record not stored', { idempotency_key: claim.key, error: error as Error });
  }
}

/** Frees the key when there is no answer to store (the request failed outside the handler). */
async function releaseClaim(claim: Claim): Promise<void> {
  try {
    await db().send(
      new DeleteCommand({
        TableName: tableName(),
        Key: idempotencyKeys.record(claim.scope, claim.key),
        ConditionExpression: '#owner = :owner AND #status = :in_progress',
        ExpressionAttributeNames: { '#owner': 'owner', '#status': 'status' },
        ExpressionAttributeValues: { ':owner': claim.owner, ':in_progress': 'in_progress' },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) logger.error('idempotency claim not released', { idempotency_key: claim.key, error: error as Error });
  }
}

/** What "the same parameters" means: route, path and query parameters, and the parsed body. */
export function fingerprint(route: RouteDefinition, event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded' | 'pathParameters' | 'queryStringParameters'>): string {
  const raw = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : (event.body ?? '');
  let body: unknown = raw;
  if (raw.trim() === '') body = {};
  else {
    try {
      body = JSON.parse(raw);
    } catch {
      // Not JSON: compared as sent.
    }
  }
  const parameters = {
    operation: route.operationId,
    path: event.pathParameters ?? {},
    query: event.queryStringParameters ?? {},
    body,
  };
  return createHash('sha256').update(canonicalJson(parameters)).digest('base64url');
}

/** JSON with object keys sorted at every depth. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}
