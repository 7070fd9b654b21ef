import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TOTP, URI } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { logIn, manage, newPerson } from '#test/support/management';
import { userKeys } from '#shared/api/users/keys';
import { listAudit } from '#shared/identity/audit/audit';
import { throttleKeys } from '#shared/identity/logins/keys';
import { createOwner } from '#shared/identity/logins/owner';
import { LOGIN_THROTTLE } from '#shared/identity/logins/throttle';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';

/**
 * TOTP MFA through HTTP against the local stack, as a person with an authenticator app goes
 * through it. The codes are computed here from the provisioning URI the setup answers (RFC 6238
 * with `otpauth`, not the stack's own code), at the 30-second step the stack's clock is in: the
 * test and the stack share the machine's clock.
 */
const STEP_MS = 30_000;
const stepNow = () => Math.floor(Date.now() / STEP_MS);
const codeAt = (totp: TOTP, step: number) => totp.generate({ timestamp: step * STEP_MS });

/**
 * A flow computes its codes from one step and must finish before the stack leaves the steps
 * they are good for (one step of drift): started in a step's last seconds, it waits for the next.
 */
async function awayFromStepEdge() {
  const into = Date.now() % STEP_MS;
  if (into > STEP_MS - 5_000) await new Promise((resolve) => setTimeout(resolve, STEP_MS - into + 200));
}

type Person = Awaited<ReturnType<typeof newPerson>>;

async function signedIn(person: Person) {
  return (await logIn(person.email, person.password))['access-token'];
}

async function startSetup(token: string, body: unknown = {}) {
  const answer = await manage('POST', '/v1/mfa-totp/', { token, body });
  expect(answer.status, answer.text).toBe(201);
  const uri: string = answer.body.data.attributes.secret['provisioning-uri'];
  return { id: answer.body.data.id as string, answer, totp: URI.parse(uri) as TOTP };
}

/** A person with TOTP enabled, and the step whose code enabling used up. */
async function withTotpEnabled() {
  const person = await newPerson();
  const token = await signedIn(person);
  const { id, totp } = await startSetup(token);
  await awayFromStepEdge();
  const step = stepNow();
  const enabled = await manage('POST', `/v1/mfa-totp/${id}/enable/`, {
    token,
    body: { codes: [codeAt(totp, step - 1), codeAt(totp, step)], password: person.password },
  });
  expect(enabled.status, enabled.text).toBe(201);
  return { person, token, id, totp, step };
}

const login = (person: Person, totpCode?: string) =>
  manage('POST', '/v1/login/', {
    body: { username: person.email, password: person.password, ...(totpCode !== undefined && { 'totp-code': totpCode }) },
  });

/** The failed sign-ins counted against a username, in this window and the one before (a test may cross their edge). */
async function failuresCounted(email: string): Promise<number> {
  const window = Math.floor(Date.now() / 1000 / LOGIN_THROTTLE.windowSeconds);
  let total = 0;
  for (const w of [window - 1, window]) {
    const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: throttleKeys.username(email, w), ConsistentRead: true }));
    total += Number(Item?.count ?? 0);
  }
  return total;
}

const accessClaims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));

/** Another person in the same organization, holding `roles`. */
async function memberOf(organizationId: string, roles: string[]): Promise<Person> {
  const email = `member-${crypto.randomUUID()}@osma.test`;
  const password = `Pw-${crypto.randomUUID()}`;
  const { userId } = await createOwner({ organizationId, email, password, firstName: 'Mo', lastName: 'Member' });
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: userKeys.key(organizationId, userId),
      UpdateExpression: 'SET role_ids = :roles',
      ExpressionAttributeValues: { ':roles': roles },
    }),
  );
  return { organizationId, userId, email, password };
}

describe('TOTP setup', () => {
  it('answers the secret, its URI and a QR code once, and no list ever shows them', async () => {
    const person = await newPerson();
    const token = await signedIn(person);

    const { id, answer } = await startSetup(token);
    const jsonApi = await startSetup(token, { data: { type: 'mfa-totp', attributes: {} } });
    const list = await manage('GET', '/v1/mfa-totp/', { token });

    expect(id).toMatch(/^totp_/);
    const { secret, ...attributes } = answer.body.data.attributes;
    expect(attributes).toEqual({
      'created-at': expect.any(String),
      enabled: false,
      'enabled-at': null,
      'last-used': null,
      state: 'pending',
      'user-id': person.userId,
    });
    expect(secret['shared-secret-key']).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(secret['provisioning-uri']);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe(`/Osma:${person.email}`);
    expect(Object.fromEntries(uri.searchParams)).toMatchObject({
      secret: secret['shared-secret-key'],
      issuer: 'Osma',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
    const png = Buffer.from(secret['provisioning-qrcode']['contents-base64'], 'base64');
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(secret['provisioning-qrcode']).toMatchObject({ mimetype: 'image/png', width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

    expect(list.status).toBe(200);
    expect(list.body.data.map((config: { id: string }) => config.id)).toEqual([jsonApi.id, id]);
    expect(list.body.meta.page).toEqual({ limit: 100, offset: 0, total: 2 });
    for (const config of list.body.data) expect(config.attributes).not.toHaveProperty('secret');
    expect(list.text).not.toContain(secret['shared-secret-key']);
    expect(list.text).not.toContain(jsonApi.answer.body.data.attributes.secret['shared-secret-key']);
  });

  it('refuses a body that is neither {} nor an mfa-totp resource, and a caller with no session', async () => {
    const token = await signedIn(await newPerson());

    const wrongType = await manage('POST', '/v1/mfa-totp/', { token, body: { data: { type: 'sessions', attributes: {} } } });
    const unknownField = await manage('POST', '/v1/mfa-totp/', { token, body: { secret: 'JBSWY3DPEHPK3PXP' } });
    const anonymous = await manage('POST', '/v1/mfa-totp/', { body: {} });

    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors[0].source).toEqual({ pointer: '/data/type' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.errors[0].source).toEqual({ pointer: '/secret' });
    expect(anonymous.status).toBe(401);
  });
});

describe('enabling TOTP', () => {
  it('takes two consecutive codes and the password; wrong codes are a 400, a wrong password a 403 counted as a failed sign-in', async () => {
    const person = await newPerson();
    const token = await signedIn(person);
    const { id, totp } = await startSetup(token);
    await awayFromStepEdge();
    const step = stepNow();
    const enable = (body: unknown) => manage('POST', `/v1/mfa-totp/${id}/enable/`, { token, body });

    const oneCode = await enable({ codes: [codeAt(totp, step)], password: person.password });
    const reversed = await enable({ codes: [codeAt(totp, step), codeAt(totp, step - 1)], password: person.password });
    const wrongPassword = await enable({ codes: [codeAt(totp, step - 1), codeAt(totp, step)], password: 'not-the-password' });
    const stillPending = await manage('GET', '/v1/mfa-totp/', { token });
    const right = await enable({ codes: [codeAt(totp, step - 1), codeAt(totp, step)], password: person.password });
    const again = await enable({ codes: [codeAt(totp, step), codeAt(totp, step + 1)], password: person.password });

    expect(oneCode.status).toBe(400);
    expect(oneCode.body.errors[0].source).toEqual({ pointer: '/codes' });
    expect(reversed.status).toBe(400);
    expect(reversed.body.errors).toEqual([
      { status: 400, code: 'invalid_totp_code', detail: expect.any(String), source: { pointer: '/codes' } },
    ]);
    expect(wrongPassword.status).toBe(403);
    expect(wrongPassword.body.errors[0]).toMatchObject({ code: 'invalid_password', source: { pointer: '/password' } });
    expect(await failuresCounted(person.email)).toBe(1);
    expect(stillPending.body.data[0].attributes.state).toBe('pending');
    expect(right.status).toBe(201);
    expect(right.body.data).toMatchObject({
      type: 'mfa-totp',
      id,
      attributes: { enabled: true, state: 'enabled', 'enabled-at': expect.any(String), 'last-used': expect.any(String), 'user-id': person.userId },
    });
    expect(right.body.data.attributes).not.toHaveProperty('secret');
    expect(again.status).toBe(409);
    expect(again.body.errors[0].code).toBe('invalid_state');
    const audit = await listAudit(person.organizationId, { limit: 20 });
    expect(audit.data.filter((event) => event.action === 'mfa.enabled')).toEqual([
      expect.objectContaining({ actor: { type: 'user', id: person.userId }, target: { type: 'mfa-totp', id } }),
    ]);
  });

  it('allows one enabled configuration per login: a second one is refused until the first is disabled', async () => {
    const { person, token, step } = await withTotpEnabled();
    const second = await startSetup(token);

    const refused = await manage('POST', `/v1/mfa-totp/${second.id}/enable/`, {
      token,
      body: { codes: [codeAt(second.totp, step - 1), codeAt(second.totp, step)], password: person.password },
    });

    expect(refused.status).toBe(409);
    expect(refused.body.errors[0].code).toBe('totp_already_enabled');
  });
});

describe('signing in with TOTP', () => {
  it('asks for a code, accepts a current one once, and marks the session as password and one-time code', async () => {
    const { person, totp, step } = await withTotpEnabled();
    // The step after the one enabling used up: good while the stack's clock is within a step of it.
    const code = codeAt(totp, step + 1);

    const withoutCode = await login(person);
    const countedAfterMissingCode = await failuresCounted(person.email);
    const withCode = await login(person, code);
    const replayed = await login(person, code);

    expect(withoutCode.status).toBe(401);
    expect(withoutCode.body.errors).toEqual([{ status: 401, code: 'mfa_required', detail: expect.any(String) }]);
    expect(countedAfterMissingCode).toBe(0);
    expect(withCode.status, withCode.text).toBe(201);
    expect(accessClaims(withCode.body['access-token']).amr).toEqual(['pwd', 'otp']);
    const who = await manage('POST', '/v1/authenticate/', { token: withCode.body['access-token'] });
    expect(who.status).toBe(201);
    expect(who.body.data['session-id']).toBe(withCode.body['session-id']);
    expect(replayed.status).toBe(401);
    expect(replayed.body.errors).toEqual([
      { status: 401, code: 'invalid_totp_code', detail: expect.any(String), source: { pointer: '/totp-code' } },
    ]);
    expect(await failuresCounted(person.email)).toBe(1);
  });

  it('keeps amr to the password for a login without TOTP, and ignores a code sent anyway', async () => {
    const person = await newPerson();

    const answer = await login(person, '123456');

    expect(answer.status).toBe(201);
    expect(accessClaims(answer.body['access-token']).amr).toEqual(['pwd']);
  });
});

describe('disabling and deleting TOTP', () => {
  it('disables with the password, after which sign-in needs no code, then deletes; an enabled one cannot be deleted', async () => {
    const { person, token, id } = await withTotpEnabled();

    const deleteEnabled = await manage('DELETE', `/v1/mfa-totp/${id}/`, { token });
    const disabled = await manage('POST', `/v1/mfa-totp/${id}/disable/`, { token, body: { password: person.password } });
    const disabledAgain = await manage('POST', `/v1/mfa-totp/${id}/disable/`, { token, body: { password: person.password } });
    const loginAfter = await login(person);
    const deleted = await manage('DELETE', `/v1/mfa-totp/${id}/`, { token });
    const deletedAgain = await manage('DELETE', `/v1/mfa-totp/${id}/`, { token });
    const list = await manage('GET', '/v1/mfa-totp/', { token });

    expect(deleteEnabled.status).toBe(409);
    expect(deleteEnabled.body.errors[0].code).toBe('invalid_state');
    expect(disabled.status).toBe(201);
    expect(disabled.body.data.attributes).toMatchObject({ enabled: false, state: 'disabled' });
    expect(disabledAgain.status).toBe(409);
    expect(disabledAgain.body.errors[0].code).toBe('invalid_state');
    expect(loginAfter.status).toBe(201);
    expect(accessClaims(loginAfter.body['access-token']).amr).toEqual(['pwd']);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect(deletedAgain.status).toBe(404);
    expect(list.body.data).toEqual([]);
    const audit = await listAudit(person.organizationId, { limit: 20 });
    expect(audit.data.filter((event) => event.action === 'mfa.disabled')).toEqual([
      expect.objectContaining({ actor: { type: 'user', id: person.userId }, target: { type: 'mfa-totp', id } }),
    ]);
  });
});

describe("another login's configurations", () => {
  it('are not found by id, and only an owner or admin of the organization lists a member\'s, without secrets', async () => {
    const { person: holder, id } = await withTotpEnabled();
    const stranger = await newPerson();
    const strangerToken = await signedIn(stranger);
    const admin = await memberOf(holder.organizationId, ['admin']);
    const developer = await memberOf(holder.organizationId, ['developer']);
    const [adminToken, developerToken] = [await signedIn(admin), await signedIn(developer)];

    const disable = await manage('POST', `/v1/mfa-totp/${id}/disable/`, { token: strangerToken, body: { password: stranger.password } });
    const remove = await manage('DELETE', `/v1/mfa-totp/${id}/`, { token: strangerToken });
    const madeUp = await manage('DELETE', '/v1/mfa-totp/not-an-id/', { token: strangerToken });
    const byAdmin = await manage('GET', `/v1/mfa-totp/?filter[user-id]=${holder.userId}`, { token: adminToken });
    const byDeveloper = await manage('GET', `/v1/mfa-totp/?filter[user-id]=${holder.userId}`, { token: developerToken });
    const ownByDeveloper = await manage('GET', `/v1/mfa-totp/?filter[user-id]=${developer.userId}`, { token: developerToken });
    const byStranger = await manage('GET', `/v1/mfa-totp/?filter[user-id]=${holder.userId}`, { token: strangerToken });

    expect(disable.status).toBe(404);
    expect(disable.body.errors[0].code).toBe('resource_not_found');
    expect(remove.status).toBe(404);
    expect(madeUp.status).toBe(404);
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.data).toEqual([
      { type: 'mfa-totp', id, attributes: expect.objectContaining({ enabled: true, 'user-id': holder.userId }) },
    ]);
    expect(byAdmin.body.data[0].attributes).not.toHaveProperty('secret');
    expect(byDeveloper.status).toBe(403);
    expect(byDeveloper.body.errors[0].code).toBe('forbidden');
    expect(ownByDeveloper.status).toBe(200);
    expect(ownByDeveloper.body.data).toEqual([]);
    // An owner of another organization: the member is not theirs, so there is nothing to list.
    expect(byStranger.status).toBe(200);
    expect(byStranger.body.data).toEqual([]);
  });
});
