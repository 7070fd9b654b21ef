import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { userKeys } from '#shared/api/users/keys';
import { confirmPassword } from '#shared/identity/logins/own-login';
import { hashPassword } from '#shared/identity/passwords/hash';
import { passwordProblems } from '#shared/identity/passwords/policy';
import { namesOf, replacePassword } from '#shared/identity/passwords/replace';
import type { SessionPrincipal } from '#shared/identity/principal';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';

export interface ChangePasswordInput {
  'old-password': string;
  'new-password': string;
  /** Keep the other sessions of the login; by default they end (the current one never does). */
  'maintain-active-sessions'?: boolean;
}

/**
 * A signed-in person changes their own password. `{id}` must be their own user id: any other
 * is not found (404), as the ids of other people's resources are everywhere on this API, so
 * an id tells nothing. The new password must meet the rules (400 naming `/new-password`); the
 * old one must be right (403 `invalid_password` naming `/old-password`), and a wrong one counts
 * as a failed sign-in in the login throttle, so a stolen access token does not make the
 * password guessable. The password is set and `password.changed` recorded in one transaction,
 * with the end of the login's other sessions unless `maintain-active-sessions`.
 */
export async function changePassword(
  principal: SessionPrincipal,
  userId: string,
  input: ChangePasswordInput,
  source: { ip: string; userAgent?: string },
): Promise<Record<string, never>> {
  if (userId !== principal.userId) throw errors.notFound('user', userId);
  const { Item: user } = await db().send(new GetCommand({ TableName: tableName(), Key: userKeys.key(principal.organizationId, principal.userId) }));
  const problems = passwordProblems(input['new-password'], { email: principal.email, names: namesOf(user) });
  if (problems.length) throw errors.invalidParams(problems.map((message) => ({ param: 'new-password', message, in: 'body' })));
  const login = await confirmPassword(principal, input['old-password'], source, 'old-password');
  const maintain = input['maintain-active-sessions'] ?? false;
  await replacePassword({
    login,
    passwordHash: await hashPassword(input['new-password']),
    sessions: maintain ? { end: false } : { end: true, reason: 'password_changed', keep: principal.sessionId },
    audit: (sessionsEnded) => ({
      organizationId: principal.organizationId,
      action: 'password.changed',
      actor: { type: 'user', id: principal.userId },
      target: { type: 'user', id: principal.userId },
      ip: source.ip,
      userAgent: source.userAgent,
      data: { sessions_ended: sessionsEnded, maintain_active_sessions: maintain },
    }),
  });
  return {};
}
