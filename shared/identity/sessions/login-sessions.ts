import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { LOGIN_SESSION_PREFIX, sessionKeys } from '#shared/identity/sessions/keys';
import type { SessionItem } from '#shared/identity/sessions/session';
import { tableName } from '#shared/platform/config';
import { batchGet, db, queryAll } from '#shared/platform/db';
import { timestamp } from '#shared/platform/time';

/**
 * Every session of one login, for the changes that end them all at once (a password reset or
 * change, the person's deactivation). `startSession` writes an index item per session in the login's partition, in the
 * same transaction as the session, so one strongly consistent Query finds them; the index
 * items expire with their sessions. (A GSI entry on the session item would cost no extra
 * item, but an index is read only eventually consistently, so a session started a moment
 * ago could be missed, and every refresh rewrites the session item and so its index entry.)
 */
export type SessionEndReason = 'password_reset' | 'password_changed' | 'deactivated';

/** DynamoDB's limit of items in one transaction. */
const TRANSACTION_ITEMS = 100;
const BATCH_GET_KEYS = 100;

/** The login's sessions that are active and unexpired now (ended ones stay indexed until they expire). */
export async function activeSessionsOfLogin(loginId: string, now: Date = new Date()): Promise<SessionItem[]> {
  const sessionIds = await indexedSessionIds(loginId);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const active: SessionItem[] = [];
  for (let start = 0; start < sessionIds.length; start += BATCH_GET_KEYS) {
    const keys = sessionIds.slice(start, start + BATCH_GET_KEYS).map((id) => sessionKeys.session(id));
    const found = await batchGet(keys);
    for (const key of keys) {
      const session = found(key) as SessionItem | undefined;
      if (session?.status === 'active' && session.expires_at > nowSeconds) active.push(session);
    }
  }
  return active;
}

async function indexedSessionIds(loginId: string): Promise<string[]> {
  const items = await queryAll(sessionKeys.loginPk(loginId), { skPrefix: LOGIN_SESSION_PREFIX, projection: 'session_id' });
  return items.map((item) => item.session_id as string);
}

/**
 * The transaction item that ends one session: its tokens are refused from then on (the
 * authorizer reads its status). A session that another request ended meanwhile keeps the
 * time and reason of that first end; a session item that is gone (it can only be after it
 * expired) fails the condition rather than being remade as a stub.
 */
export function endSessionItem(session: Pick<SessionItem, 'session_id'>, reason: SessionEndReason, now: string = timestamp()) {
  return {
    Update: {
      TableName: tableName(),
      Key: sessionKeys.session(session.session_id),
      UpdateExpression: 'SET #status = :ended, ended_at = if_not_exists(ended_at, :now), ended_reason = if_not_exists(ended_reason, :reason)',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':ended': 'ended', ':now': now, ':reason': reason },
    },
  };
}

/**
 * How many sessions fit beside `otherItems` items in one transaction: a change ends that many
 * in its own transaction, and `endLoginSessions` the rest right after.
 */
export const sessionsBeside = (otherItems: number): number => TRANSACTION_ITEMS - otherItems;

/**
 * Ends every active session of a login except `keep`, in transactions of up to 100; answers
 * how many it ended. Called after a password change committed, it ends what did not fit in
 * the change's own transaction (a login with more sessions than that).
 */
export async function endLoginSessions(loginId: string, reason: SessionEndReason, keep?: string): Promise<number> {
  const sessions = (await activeSessionsOfLogin(loginId)).filter((session) => session.session_id !== keep);
  const now = timestamp();
  for (let start = 0; start < sessions.length; start += TRANSACTION_ITEMS) {
    const chunk = sessions.slice(start, start + TRANSACTION_ITEMS);
    await db().send(new TransactWriteCommand({ TransactItems: chunk.map((session) => endSessionItem(session, reason, now)) }));
  }
  return sessions.length;
}
