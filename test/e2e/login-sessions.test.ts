import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { ROOT_SECRET_FILE } from '#local/root-secret';
import { newPerson } from '#test/support/management';
import { loginKeys } from '#shared/identity/logins/keys';
import type { LoginItem } from '#shared/identity/logins/login';
import { DUMMY_HASH, hashPassword } from '#shared/identity/passwords/hash';
import { replacePassword } from '#shared/identity/passwords/replace';
import { activeSessionsOfLogin } from '#shared/identity/sessions/login-sessions';
import { startSession } from '#shared/identity/sessions/session';
import { markLocalStack, tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';

/** The index of a login's sessions and the password change's end of them, against DynamoDB Local. */
beforeAll(() => {
  // Sessions sign their access tokens: this process plays the local stack, with its root secret.
  markLocalStack();
  process.env.OSMA_SECRET_FILE = join(inject('dataDir'), ROOT_SECRET_FILE);
});

async function loginOf(email: string): Promise<LoginItem> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: loginKeys.byEmail(email), ConsistentRead: true }));
  return Item as LoginItem;
}

function sessionFor(person: { organizationId: string; userId: string; email: string }, login: LoginItem, passwordUpdatedAt?: string) {
  return startSession({
    userId: person.userId,
    organizationId: person.organizationId,
    loginId: login.login_id,
    email: login.email,
    roles: ['owner'],
    amr: ['pwd'],
    accessSeconds: 60,
    refreshSeconds: 3600,
    audit: { action: 'login.succeeded', actor: { type: 'user', id: person.userId } },
    ...(passwordUpdatedAt !== undefined && { passwordUpdatedAt }),
  });
}

describe('the sessions of a login', () => {
  it('are found through their index, and a password change ends more of them than one transaction holds', async () => {
    const person = await newPerson();
    const login = await loginOf(person.email);
    // One transaction holds the change's 2 items and 98 sessions: 105 leave some for after it.
    const started = [];
    for (let i = 0; i < 105; i += 15) started.push(...(await Promise.all(Array.from({ length: 15 }, () => sessionFor(person, login)))));
    expect(await activeSessionsOfLogin(login.login_id)).toHaveLength(105);
    const keep = started[0]!['session-id'];

    const ended = await replacePassword({
      login,
      passwordHash: await hashPassword('a brand new passphrase'),
      sessions: { end: true, reason: 'password_changed', keep },
      audit: (sessionsEnded) => ({
        organizationId: person.organizationId,
        action: 'password.changed',
        actor: { type: 'user', id: person.userId },
        data: { sessions_ended: sessionsEnded },
      }),
    });

    expect(ended).toBe(104);
    expect((await activeSessionsOfLogin(login.login_id)).map((session) => session.session_id)).toEqual([keep]);
  }, 60_000);

  it('gain no session from a sign-in that checked a password which has changed since', async () => {
    const person = await newPerson();
    const login = await loginOf(person.email);
    await replacePassword({
      login,
      passwordHash: await hashPassword('a brand new passphrase'),
      sessions: { end: true, reason: 'password_changed' },
      audit: () => ({ organizationId: person.organizationId, action: 'password.changed', actor: { type: 'user', id: person.userId } }),
    });

    const stale = sessionFor(person, login, login.password_updated_at);

    await expect(stale).rejects.toMatchObject({ status: 401, code: 'invalid_credentials' });
    expect(await activeSessionsOfLogin(login.login_id)).toEqual([]);
    const current = await loginOf(person.email);
    await expect(sessionFor(person, current, current.password_updated_at)).resolves.toHaveProperty('session-id');
  });

  it('refuses a change made from a login read before another change', async () => {
    const person = await newPerson();
    const login = await loginOf(person.email);
    const change = () =>
      replacePassword({
        login,
        passwordHash: DUMMY_HASH,
        sessions: { end: false },
        audit: () => ({ organizationId: person.organizationId, action: 'password.changed', actor: { type: 'user', id: person.userId } }),
      });
    await change();

    await expect(change()).rejects.toMatchObject({ status: 409 });
  });
});
