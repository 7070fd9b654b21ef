import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { writeAudit } from '#shared/identity/audit/audit';
import { throttleKeys, type ThrottlePurpose } from '#shared/identity/logins/keys';
import { tableName } from '#shared/platform/config';
import { batchGet, db, failedConditions } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';

/**
 * Brute-force throttling of sign-in: failed logins are counted per username and per source
 * address in fixed 15-minute windows. From the 5th failure for one username, or the 50th from
 * one address, every login for it is refused with 429 and `retry-after` until the window ends,
 * also when the password is then right, so a guess that happens to be right tells nothing.
 * A fixed window lets at most twice the limit through across a window's edge.
 */
export const LOGIN_THROTTLE = { windowSeconds: 15 * 60, perUsername: 5, perSourceIp: 50 } as const;

const windowOf = (now: number) => Math.floor(now / 1000 / LOGIN_THROTTLE.windowSeconds);

function keysFor(username: string, sourceIp: string, now: number) {
  const window = windowOf(now);
  return [throttleKeys.username(username, window), ...(sourceIp ? [throttleKeys.sourceIp(sourceIp, window)] : [])];
}

/** Refuses with 429 when either counter is at its limit. One BatchGetItem. */
export async function checkLoginThrottle(username: string, sourceIp: string, now = Date.now()): Promise<void> {
  const [userKey, ipKey] = keysFor(username, sourceIp, now);
  const found = await batchGet(ipKey ? [userKey!, ipKey] : [userKey!]);
  const count = (key: typeof userKey) => (key ? Number(found(key)?.count ?? 0) : 0);
  if (count(userKey) >= LOGIN_THROTTLE.perUsername || count(ipKey) >= LOGIN_THROTTLE.perSourceIp) {
    const windowEnd = (windowOf(now) + 1) * LOGIN_THROTTLE.windowSeconds * 1000;
    throw errors.tooManyAttempts(Math.max(1, Math.ceil((windowEnd - now) / 1000)));
  }
}

/** Counts one failure against both counters, in one write. */
export async function recordLoginFailure(username: string, sourceIp: string, now = Date.now()): Promise<void> {
  const expires = (windowOf(now) + 2) * LOGIN_THROTTLE.windowSeconds;
  await db().send(
    new TransactWriteCommand({
      TransactItems: keysFor(username, sourceIp, now).map((Key) => ({
        Update: {
          TableName: tableName(),
          Key,
          UpdateExpression: 'SET expires_at = :expires, entity = :entity ADD #count :one',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1, ':expires': expires, ':entity': 'login_throttle' },
        },
      })),
    }),
  );
}

/** A limit on requests of one purpose, counted whether they succeed or not. */
/**
 * A failed proof of who one is (a sign-in's password or TOTP code, a password confirmed to
 * change something): counted against both throttle counters and audited as `login.failed`.
 * The username is never kept in the audit event: people sometimes type their password there.
 */
export async function recordFailedSignIn(
  username: string,
  who: { organizationId?: string; userId?: string },
  source: { ip: string; userAgent?: string },
  reason?: 'totp_refused' | 'password_confirmation',
): Promise<void> {
  await Promise.all([
    recordLoginFailure(username, source.ip),
    writeAudit({
      organizationId: who.organizationId,
      action: 'login.failed',
      actor: who.userId ? { type: 'user', id: who.userId } : { type: 'anonymous' },
      ip: source.ip,
      userAgent: source.userAgent,
      ...(reason && { data: { reason } }),
    }),
  ]);
}

export interface RequestLimits {
  purpose: Exclude<ThrottlePurpose, 'login'>;
  windowSeconds: number;
  perUsername: number;
  perSourceIp: number;
}

/**
 * Counts one request against both counters of `limits.purpose` (apart from the login
 * counters), or refuses it with 429 and `retry-after` until the window ends when either is
 * at its limit; a refused request is not counted. One conditional write, so racing requests
 * cannot pass the limit together.
 */
export async function countRequest(limits: RequestLimits, username: string, sourceIp: string, now = Date.now()): Promise<void> {
  const window = Math.floor(now / 1000 / limits.windowSeconds);
  const counters = [
    { Key: throttleKeys.username(username, window, limits.purpose), limit: limits.perUsername },
    ...(sourceIp ? [{ Key: throttleKeys.sourceIp(sourceIp, window, limits.purpose), limit: limits.perSourceIp }] : []),
  ];
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: counters.map(({ Key, limit }) => ({
          Update: {
            TableName: tableName(),
            Key,
            UpdateExpression: 'SET expires_at = :expires, entity = :entity ADD #count :one',
            ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: {
              ':one': 1,
              ':limit': limit,
              ':expires': (window + 2) * limits.windowSeconds,
              ':entity': `${limits.purpose}_throttle`,
            },
          },
        })),
      }),
    );
  } catch (error) {
    if (!failedConditions(error)?.length) throw error;
    const windowEnd = (window + 1) * limits.windowSeconds * 1000;
    throw errors.tooManyAttempts(Math.max(1, Math.ceil((windowEnd - now) / 1000)));
  }
}
