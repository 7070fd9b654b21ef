import { createHash } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { stack } from '#test/support/api';
import { logIn, manage, newPerson } from '#test/support/management';
import { listAudit } from '#shared/identity/audit/audit';
import { passwordResetKeys } from '#shared/identity/passwords/keys';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';

/**
 * The password routes, through HTTP against the local stack: reset mails arrive in the local
 * outbox (`GET /_local/mail`), and access tokens are checked at every call
 * (OSMA_AUTHORIZER_CACHE_SECONDS=0), so an ended session is refused at once. Every failed
 * sign-in here counts against 127.0.0.1 for the whole run: there are three.
 */
const NEW_PASSWORD = 'correct horse battery staple';
const unknownEmail = () => `nobody-${crypto.randomUUID()}@osma.test`;

async function forgot(username: string) {
  return manage('POST', '/v1/forgot-password/', { body: { username } });
}

async function mailsTo(email: string): Promise<{ subject: string; text: string }[]> {
  const response = await fetch(`${stack.url}/_local/mail?to=${encodeURIComponent(email)}`);
  return ((await response.json()) as { data: { subject: string; text: string }[] }).data;
}

/** The code of the newest reset link mailed to `email`. */
async function mailedCode(email: string): Promise<string> {
  const [newest] = await mailsTo(email);
  const code = newest?.text.match(/reset-password\?code=([A-Z2-7]+)/)?.[1];
  if (!code) throw new Error(`no reset link mailed to ${email}`);
  return code;
}

function confirm(username: string, code: string, password = NEW_PASSWORD, extra: Record<string, unknown> = {}) {
  return manage('POST', '/v1/confirm-forgot-password/', { body: { username, 'confirmation-code': code, password, ...extra } });
}

const signedIn = async (token: string) => (await manage('POST', '/v1/authenticate/', { token })).status === 201;

describe('POST /v1/forgot-password/', () => {
  it('answers a known and an unknown email alike, in about the same time, and mails only the known one', async () => {
    const person = await newPerson();
    const nobody = unknownEmail();
    await forgot(unknownEmail()); // The function's first call loads it: not part of the comparison.
    const timed = async (email: string) => {
      const started = performance.now();
      const answer = await forgot(email);
      return { answer, ms: performance.now() - started };
    };
    const known = [];
    const unknown = [];
    for (let i = 0; i < 2; i++) {
      known.push(await timed(person.email));
      unknown.push(await timed(nobody));
    }

    for (const { answer } of [...known, ...unknown]) {
      expect(answer.status).toBe(201);
      expect(answer.text).toBe('{}');
    }
    // Both are held to the same floor (500 ms); the mail's own work is far below it.
    const times = (runs: { ms: number }[]) => runs.map((run) => run.ms);
    for (const ms of [...times(known), ...times(unknown)]) expect(ms).toBeGreaterThanOrEqual(490);
    expect(Math.abs(Math.min(...times(known)) - Math.min(...times(unknown)))).toBeLessThan(100);
    const mails = await mailsTo(person.email);
    expect(mails).toHaveLength(2);
    expect(mails[0]?.subject).toBe('Reset your Osma password');
    expect(mails[0]?.text).toMatch(/reset-password\?code=[A-Z2-7]{16}\b/);
    expect(await mailsTo(nobody)).toEqual([]);
  });

  it('keeps only the hash of a code, and a new request replaces the earlier code', async () => {
    const person = await newPerson();
    await forgot(person.email);
    const first = await mailedCode(person.email);
    await forgot(person.email);
    const second = await mailedCode(person.email);

    const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: passwordResetKeys.byEmail(person.email) }));

    expect(second).not.toBe(first);
    expect(JSON.stringify(Item)).not.toContain(second);
    expect(Item?.code_hash).toBe(createHash('sha256').update(second).digest('hex'));
    expect(Item?.tries_left).toBe(5);
    expect((await confirm(person.email, first)).status).toBe(400);
    expect((await confirm(person.email, second)).status).toBe(201);
  });

  it('throttles one username after 5 requests an hour, whether or not it has a login', async () => {
    const nobody = unknownEmail();
    for (let i = 0; i < 5; i++) expect((await forgot(nobody)).status).toBe(201);

    const throttled = await forgot(nobody.toUpperCase());

    expect(throttled.status).toBe(429);
    expect(throttled.body.errors[0]).toMatchObject({ status: 429, code: 'too_many_attempts' });
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(throttled.headers.get('retry-after'))).toBeLessThanOrEqual(3600);
  });
});

describe('POST /v1/confirm-forgot-password/', () => {
  it('sets the password with the mailed code once, ends every session, and records password.reset', async () => {
    const person = await newPerson();
    const before = [await logIn(person.email, person.password), await logIn(person.email, person.password)];
    await forgot(person.email);
    const code = await mailedCode(person.email);

    const weak = await confirm(person.email, code, 'password123');
    expect(weak.status).toBe(400);
    expect(weak.body.errors[0].source).toEqual({ pointer: '/password' });
    expect(weak.body.errors[0].detail).toMatch(/common password/);
    // A refused password spends nothing: the code still works, typed in lower case with a hyphen.
    const typed = `${code.slice(0, 8)}-${code.slice(8)}`.toLowerCase();
    const answer = await confirm(person.email, typed);

    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({});
    for (const session of before) {
      expect(await signedIn(session['access-token'])).toBe(false);
      expect((await manage('POST', '/v1/refresh-token/', { body: { 'refresh-token': session['refresh-token'] } })).status).toBe(401);
    }
    const again = await confirm(person.email, code, 'another fine passphrase');
    expect(again.status).toBe(400);
    expect(again.body.errors[0]).toMatchObject({ code: 'invalid_confirmation_code', source: { pointer: '/confirmation-code' } });
    expect((await manage('POST', '/v1/login/', { body: { username: person.email, password: person.password } })).status).toBe(401);
    expect(await signedIn((await logIn(person.email, NEW_PASSWORD))['access-token'])).toBe(true);
    const events = (await listAudit(person.organizationId, { limit: 20 })).data.filter((event) => event.action === 'password.reset');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ target: { type: 'user', id: person.userId }, data: { sessions_ended: 2, purpose: 'reset' } });
  });

  it('signs in with the new password when asked, answering as /v1/login/ does', async () => {
    const person = await newPerson();
    await forgot(person.email);

    const answer = await confirm(person.email, await mailedCode(person.email), NEW_PASSWORD, { login: true });

    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ 'token-type': 'Bearer', 'user-id': person.userId, email: person.email });
    expect(await signedIn(answer.body['access-token'])).toBe(true);
  });

  it('burns a code after 5 wrong tries, and answers a wrong code and an unknown username alike', async () => {
    const person = await newPerson();
    await forgot(person.email);
    const code = await mailedCode(person.email);
    const wrong = code.startsWith('A') ? `B${code.slice(1)}` : `A${code.slice(1)}`;

    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await confirm(person.email, wrong));
    const right = await confirm(person.email, code);
    const unknown = await confirm(unknownEmail(), code);

    expect(answers.map((answer) => answer.status)).toEqual([400, 400, 400, 400, 400]);
    expect(right.status).toBe(400);
    expect(right.body).toEqual(answers[0]!.body);
    expect(unknown.body).toEqual(answers[0]!.body);
    expect(right.body.errors[0].code).toBe('invalid_confirmation_code');
    // The password did not change.
    expect((await logIn(person.email, person.password))['access-token']).toBeTruthy();
  });

  it('refuses a code after its hour', async () => {
    const person = await newPerson();
    await forgot(person.email);
    const code = await mailedCode(person.email);
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: passwordResetKeys.byEmail(person.email),
        UpdateExpression: 'SET expires_at = :past',
        ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 1 },
      }),
    );

    const answer = await confirm(person.email, code);

    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].code).toBe('invalid_confirmation_code');
  });

  it('names each invalid field, and takes no code longer than 20 characters', async () => {
    const answer = await manage('POST', '/v1/confirm-forgot-password/', {
      body: { username: 'a@osma.test', 'confirmation-code': 'X'.repeat(21), password: '', login: 'yes' },
    });

    expect(answer.status).toBe(400);
    const pointers = answer.body.errors.map((error: { source: { pointer: string } }) => error.source.pointer).sort();
    expect(pointers).toEqual(['/confirmation-code', '/login', '/password']);
  });
});

describe('POST /v1/users/{id}/change-password/', () => {
  const change = (token: string, userId: string, body: Record<string, unknown>) =>
    manage('POST', `/v1/users/${userId}/change-password/`, { token, body });

  it('changes the password and ends the other sessions, keeping the current one, and records password.changed', async () => {
    const person = await newPerson();
    const current = await logIn(person.email, person.password);
    const others = [await logIn(person.email, person.password), await logIn(person.email, person.password)];

    const answer = await change(current['access-token'], person.userId, { 'old-password': person.password, 'new-password': NEW_PASSWORD });

    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({});
    expect(await signedIn(current['access-token'])).toBe(true);
    for (const other of others) expect(await signedIn(other['access-token'])).toBe(false);
    expect((await manage('POST', '/v1/login/', { body: { username: person.email, password: person.password } })).status).toBe(401);
    expect(await signedIn((await logIn(person.email, NEW_PASSWORD))['access-token'])).toBe(true);
    const [event] = (await listAudit(person.organizationId, { limit: 20 })).data.filter((event) => event.action === 'password.changed');
    expect(event).toMatchObject({ actor: { type: 'user', id: person.userId }, data: { sessions_ended: 2, maintain_active_sessions: false } });
  });

  it('keeps every session with maintain-active-sessions', async () => {
    const person = await newPerson();
    const current = await logIn(person.email, person.password);
    const other = await logIn(person.email, person.password);

    const answer = await change(current['access-token'], person.userId, {
      'old-password': person.password,
      'new-password': NEW_PASSWORD,
      'maintain-active-sessions': true,
    });

    expect(answer.status).toBe(201);
    expect(await signedIn(current['access-token'])).toBe(true);
    expect(await signedIn(other['access-token'])).toBe(true);
  });

  it('refuses a wrong old password (403), a weak new one (400), and any user id but your own (404)', async () => {
    const person = await newPerson();
    const someoneElse = await newPerson();
    const { 'access-token': token } = await logIn(person.email, person.password);

    const wrongOld = await change(token, person.userId, { 'old-password': 'not my password', 'new-password': NEW_PASSWORD });
    const weakNew = await change(token, person.userId, { 'old-password': person.password, 'new-password': 'qwertyuiop' });
    const personal = await change(token, person.userId, { 'old-password': person.password, 'new-password': person.email });
    const notMine = await change(token, someoneElse.userId, { 'old-password': person.password, 'new-password': NEW_PASSWORD });
    const anonymous = await manage('POST', `/v1/users/${person.userId}/change-password/`, {
      body: { 'old-password': person.password, 'new-password': NEW_PASSWORD },
    });

    expect(wrongOld.status).toBe(403);
    expect(wrongOld.body.errors[0]).toMatchObject({ code: 'invalid_password', source: { pointer: '/old-password' } });
    expect(weakNew.status).toBe(400);
    expect(weakNew.body.errors[0].source).toEqual({ pointer: '/new-password' });
    expect(personal.status).toBe(400);
    expect(personal.body.errors[0].detail).toMatch(/email address/);
    expect(notMine.status).toBe(404);
    expect(anonymous.status).toBe(401);
    // Nothing changed: the old password still signs in.
    expect((await logIn(person.email, person.password))['access-token']).toBeTruthy();
  });
});

describe('POST /v1/password-strength/', () => {
  it('rates a password with strength, suggestions and pwned, as the seed does', async () => {
    const weak = await manage('POST', '/v1/password-strength/', { body: { password: 'password123', 'check-pwned': true } });
    const strong = await manage('POST', '/v1/password-strength/', { body: { password: 'violet kettle drums at noon' } });
    const empty = await manage('POST', '/v1/password-strength/', { body: { password: '' } });

    expect(weak.status).toBe(201);
    expect(weak.body).toEqual({
      strength: { value: 0, label: 'very weak' },
      suggestions: expect.arrayContaining(['The password is on a list of common passwords; choose another.']),
      pwned: { times: null, message: expect.stringContaining('on the list of common passwords') },
    });
    expect(strong.status).toBe(201);
    expect(strong.body.strength.value).toBeGreaterThanOrEqual(3);
    expect(strong.body.suggestions).toEqual([]);
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0].source).toEqual({ pointer: '/password' });
  });
});
