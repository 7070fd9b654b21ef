import type { MiddlewareObj } from '@middy/core';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { tableName } from '#shared/platform/config';
import { db, isConditionFailure } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';
import { logger } from '#shared/platform/logger';
import type { RouteDefinition } from '#shared/http/route';
import { rateLimitKeys } from '#shared/http/middleware/keys';
import { requestState } from '#shared/http/middleware/request-state';
import type { Scope } from '#shared/platform/table';

/**
 * Rate limits: per organization, per endpoint, per mode, N requests per second, counted in
 * DynamoDB so that every Lambda instance of the route shares one count.
 *
 * One counter item per (organization, mode, route, second): each request is one UpdateItem
 * that adds 1 on the condition that the count is still under the limit. A request over the
 * limit fails the condition, adds nothing, and gets the spec's 429. The window is the wall
 * clock second (a fixed window: a burst that straddles two seconds can get up to twice the
 * limit through in under a second, never more than the limit within one second). Counter
 * items carry `expires_at`, the table's TTL attribute, and are deleted by DynamoDB later.
 *
 * Every answer of a limited route carries `ratelimit-limit`, `ratelimit-remaining` and
 * `ratelimit-reset` (seconds until the window resets), and a 429 also `retry-after`.
 */
const WINDOW_SECONDS = 1;
/** Counters live a minute, well past their second; TTL deletion is lazy anyway. */
const COUNTER_TTL_SECONDS = 60;

export const RATE_LIMIT_HEADERS = {
  limit: 'ratelimit-limit',
  remaining: 'ratelimit-remaining',
  reset: 'ratelimit-reset',
  retryAfter: 'retry-after',
} as const;

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the current window resets. */
  reset: number;
}

/** Counts one request; the only DynamoDB call the limiter makes. */
export async function takeRequest(scope: Scope, operationId: string, limit: number, now = Date.now()): Promise<RateLimitResult> {
  const window = Math.floor(now / 1000 / WINDOW_SECONDS);
  const reset = Math.max(1, Math.ceil(((window + 1) * WINDOW_SECONDS * 1000 - now) / 1000));
  try {
    const { Attributes } = await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: rateLimitKeys.counter(scope, operationId, window),
        UpdateExpression: 'SET expires_at = if_not_exists(expires_at, :expires) ADD #count :one',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':limit': limit,
          ':expires': (window + 1) * WINDOW_SECONDS + COUNTER_TTL_SECONDS,
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const count = Number(Attributes?.count ?? limit);
    return { allowed: true, limit, remaining: Math.max(0, limit - count), reset };
  } catch (error) {
    if (isConditionFailure(error)) return { allowed: false, limit, remaining: 0, reset };
    throw error;
  }
}

/** Who a limited request is counted against, and its limit; undefined leaves it uncounted. */
export type RateLimitSubject = (event: APIGatewayProxyEvent) => { scope: Scope; limit: number } | undefined;

export function rateLimit(route: RouteDefinition, subjectOf: RateLimitSubject): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    before: async ({ event }) => {
      const subject = subjectOf(event);
      if (!subject) return;
      let result: RateLimitResult;
      try {
        result = await takeRequest(subject.scope, route.operationId, subject.limit);
      } catch (error) {
        // The counter is a guard, not the work: when it cannot be reached the request goes on
        // (fail open), and the log says so.
        logger.warn('rate limit counter unavailable', { request_id: event.requestContext.requestId, error: error as Error });
        return;
      }
      Object.assign(requestState(event).headers, {
        [RATE_LIMIT_HEADERS.limit]: String(result.limit),
        [RATE_LIMIT_HEADERS.remaining]: String(result.remaining),
        [RATE_LIMIT_HEADERS.reset]: String(result.reset),
      });
      if (!result.allowed) throw errors.rateLimited({ [RATE_LIMIT_HEADERS.retryAfter]: String(result.reset) });
    },
  };
}
