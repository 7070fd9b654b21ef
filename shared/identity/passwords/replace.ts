import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { auditItem, type AuditEvent } from '#shared/identity/audit/audit';
import { loginKeys } from '#shared/identity/logins/keys';
import type { LoginItem } from '#shared/identity/logins/login';
import {
  activeSessionsOfLogin,
  endLoginSessions,
  endSessionItem,
  sessionsBeside,
  type SessionEndReason,
} from '#shared/identity/sessions/login-sessions';
import { tableName } from '#shared/platform/config';
import { db, failedConditions } from '#shared/platform/db';
import { errors, type OsmaError } from '#shared/platform/errors';
import { timestamp } from '#shared/platform/time';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface PasswordReplacement {
  /** The login as read: the change holds only if its password has not changed since. */
  login: LoginItem;
  /** The new password's hash (`hashPassword`). */
  passwordHash: string;
  /** Which sessions end: every one but `keep`, or none. */
  sessions: { end: true; reason: SessionEndReason; keep?: string } | { end: false };
  /** The event recorded with the change, given how many sessions it ended. */
  audit: (sessionsEnded: number) => AuditEvent;
  /** Writes that must hold for the change to happen, each with the answer when it does not (the reset code's use). */
  alongside?: { item: TransactItem; refusal: () => OsmaError }[];
}

/**
 * Sets a login's new password. In one transaction: the hash (only if the password has not
 * changed since the login was read), what the caller puts alongside, the audit event, and the
 * end of the sessions that fit beside them. Then the sessions that did not fit, or that were
 * started between the read and the transaction, are ended too: a sign-in that checked the old
 * password cannot start a session after the change (`startSession` checks
 * `password_updated_at`), so after this sweep no session of the login but `keep` is left.
 * Answers how many sessions ended.
 */
export async function replacePassword(change: PasswordReplacement): Promise<number> {
  const { login, sessions } = change;
  const alongside = change.alongside ?? [];
  const endReason = sessions.end ? sessions.reason : undefined;
  const keep = sessions.end ? sessions.keep : undefined;
  const ending = endReason ? (await activeSessionsOfLogin(login.login_id)).filter((session) => session.session_id !== keep) : [];
  // The login, what goes alongside and the audit event, then as many sessions as fit.
  const inTransaction = ending.slice(0, sessionsBeside(2 + alongside.length));
  const now = timestamp();
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName(),
              Key: loginKeys.byEmail(login.email),
              UpdateExpression: 'SET password_hash = :hash, password_updated_at = :now',
              ConditionExpression: 'login_id = :login AND password_updated_at = :seen',
              ExpressionAttributeValues: {
                ':hash': change.passwordHash,
                ':now': now,
                ':login': login.login_id,
                ':seen': login.password_updated_at,
              },
            },
          },
          ...alongside.map(({ item }) => item),
          { Put: { TableName: tableName(), Item: auditItem(change.audit(ending.length)) } },
          ...inTransaction.map((session) => endSessionItem(session, endReason!, now)),
        ],
      }),
    );
  } catch (error) {
    const failed = failedConditions(error);
    if (!failed?.length) throw error;
    const refused = alongside.find((_, index) => failed.includes(index + 1));
    if (refused) throw refused.refusal();
    // The password changed meanwhile (or a session item vanished): nothing was written.
    throw errors.concurrentChange();
  }
  if (!endReason) return 0;
  const swept = await endLoginSessions(login.login_id, endReason, keep);
  return inTransaction.length + swept;
}

/** A user item's first and last names, for the password rules' personal check. */
export function namesOf(user: Record<string, unknown> | undefined): string[] {
  return [user?.first_name, user?.last_name].filter((name): name is string => typeof name === 'string' && name.trim() !== '');
}
