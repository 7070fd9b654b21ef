import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { stack } from '#test/support/api';
import { logIn, manage, newPerson } from '#test/support/management';
import { listAudit } from '#shared/identity/audit/audit';
import { createInvitation } from '#shared/identity/invitations/invitation';
import { hashInvitationToken, invitationKeys } from '#shared/identity/invitations/keys';
import { loginKeys } from '#shared/identity/logins/keys';
import { PERMISSIONS } from '#shared/identity/roles/keys';
import { membershipKeys } from '#shared/identity/users/keys';
import { getMembership, stateChangeWrites } from '#shared/identity/users/membership';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';

/**
 * Invitations through HTTP against the local stack: the mail lands in the local outbox
 * (`GET /_local/mail`), and the items the routes write are read back from DynamoDB Local.
 * Failed accepts count against their own per-address throttle (not the login one); this file
 * makes about ten. No sign-in here fails.
 */
const PASSWORD = 'correct horse battery staple';
const TYPE = 'registration-invitations';
const newEmail = () => `invitee-${crypto.randomUUID()}@osma.test`;

type Person = Awaited<ReturnType<typeof newPerson>>;

/** A new organization with one person holding `roles`, signed in. */
async function signedIn(roles: string[] = ['owner']): Promise<Person & { token: string }> {
  const person = await newPerson(roles);
  return { ...person, token: (await logIn(person.email, person.password))['access-token'] };
}

function invite(token: string, attributes: Record<string, unknown>) {
  return manage('POST', '/v1/registration-invitations/', { token, body: { data: { type: TYPE, attributes } } });
}

function accept(token: string, password = PASSWORD, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return manage('POST', '/v1/accept-invitation/', { body: { token, password, ...extra }, headers });
}

async function mailsTo(email: string): Promise<{ subject: string; text: string }[]> {
  const response = await fetch(`${stack.url}/_local/mail?to=${encodeURIComponent(email)}`);
  return ((await response.json()) as { data: { subject: string; text: string }[] }).data;
}

/** The token of the newest invitation link mailed to `email`. */
async function mailedToken(email: string): Promise<string> {
  const [newest] = await mailsTo(email);
  const token = newest?.text.match(/accept-invitation\?token=([\w-]+)/)?.[1];
  if (!token) throw new Error(`no invitation link mailed to ${email}`);
  return token;
}

/** Invites a new email as `by`, and answers the invitation and its mailed token. */
async function invited(by: { token: string }, attributes: Record<string, unknown> = {}) {
  const email = newEmail();
  const answer = await invite(by.token, { 'invited-email': email, ...attributes });
  expect(answer.status).toBe(201);
  return { email, invitation: answer.body.data, token: await mailedToken(email) };
}

const item = async (key: { pk: string; sk: string }) => (await db().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }))).Item;

const listIds = async (token: string, status?: string) => {
  const answer = await manage('GET', `/v1/registration-invitations/${status ? `?filter[status]=${status}` : ''}`, { token });
  expect(answer.status).toBe(200);
  return (answer.body.data as { id: string }[]).map((invitation) => invitation.id);
};

/** Where each error points: a body field's pointer (the body walk that refuses any __proto__ names a parameter). */
const pointers = (answer: { body: any }) =>
  (answer.body.errors as { source?: { pointer?: string; parameter?: string } }[]).map((error) => error.source?.pointer ?? error.source?.parameter);

describe('inviting and accepting', () => {
  it('mails a single-use link that makes the person active with their roles and signs them in', async () => {
    // Prepare
    const owner = await signedIn();
    const email = newEmail();

    // Act
    const created = await invite(owner.token, { 'invited-email': email.toUpperCase(), 'first-name': 'Ada', 'last-name': 'Lovelace', 'role-ids': ['developer'] });

    // Assess: the invitation, its person and its mail.
    expect(created.status).toBe(201);
    const invitation = created.body.data;
    expect(invitation.type).toBe(TYPE);
    expect(invitation.attributes).toMatchObject({
      'invited-email': email,
      'first-name': 'Ada',
      'last-name': 'Lovelace',
      'role-ids': ['developer'],
      'created-by': owner.userId,
      'claimed-time': null,
      status: 'pending',
    });
    expect(created.body.meta).toEqual({ 'mail-sent': true });
    const sevenDays = Date.parse(invitation.attributes['expires-time']) - Date.parse(invitation.attributes['last-sent-time']);
    expect(sevenDays).toBe(7 * 24 * 3600 * 1000);
    const token = await mailedToken(email);
    expect(token).toMatch(/^[\w-]{43}$/);
    const [mail] = await mailsTo(email);
    // The link leads to the dashboard (the local gateway's own origin) with the token.
    expect(mail!.text.split('\n')).toContain(`${inject('dashboardUrl')}/accept-invitation?token=${token}`);
    expect(created.text).not.toContain(token);
    const stored = await item(invitationKeys.invitation(owner.organizationId, invitation.id));
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(await item(invitationKeys.token(hashInvitationToken(token)))).toMatchObject({ invitation_id: invitation.id });
    const onboarding = await getMembership(owner.organizationId, invitation.attributes['user-id']);
    expect(onboarding).toMatchObject({ state: 'onboarding:invited', registration_invite: 'sent', status: 'invited', role_ids: ['developer'] });

    // Act: accept.
    const accepted = await accept(token);

    // Assess: an answer like a sign-in, a session that works, an active person.
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({
      'token-type': 'Bearer',
      'user-id': invitation.attributes['user-id'],
      username: email,
      email,
      'first-name': 'Ada',
      'last-name': 'Lovelace',
      organizations: [owner.organizationId],
    });
    const who = await manage('POST', '/v1/authenticate/', { token: accepted.body['access-token'] });
    expect(who.status).toBe(201);
    expect(who.body.data).toMatchObject({ 'user-id': invitation.attributes['user-id'], roles: ['developer'], email });
    const active = await getMembership(owner.organizationId, invitation.attributes['user-id']);
    expect(active).toMatchObject({ state: 'active:available', registration_invite: 'accepted', status: 'active', full_name: 'Ada Lovelace' });
    expect(active!.login_id).toMatch(/^lgn_/);
    expect((await logIn(email, PASSWORD))['user-id']).toBe(invitation.attributes['user-id']);

    // The token worked once.
    const again = await accept(token);
    expect(again.status).toBe(400);
    expect(again.body.errors[0]).toMatchObject({ code: 'invitation_invalid', source: { pointer: '/token' } });
    const read = await manage('GET', `/v1/registration-invitations/${invitation.id}/`, { token: owner.token });
    expect(read.status).toBe(200);
    expect(read.body.data.attributes.status).toBe('accepted');
    expect(read.body.data.attributes['claimed-time']).toEqual(expect.any(String));
    expect(await listIds(owner.token, 'accepted')).toEqual([invitation.id]);
    expect(await listIds(owner.token, 'pending')).toEqual([]);
    const actions = (await listAudit(owner.organizationId, { limit: 20 })).data.map((event) => event.action);
    expect(actions).toEqual(expect.arrayContaining(['invitation.created', 'invitation.accepted']));
  });

  it('takes the names given at acceptance, and answers a browser with cookies', async () => {
    // Prepare
    const owner = await signedIn();
    const { invitation, token } = await invited(owner);

    // Act
    const accepted = await accept(token, PASSWORD, { 'first-name': 'Grace', 'last-name': 'Hopper' }, { 'x-osma-client': 'browser' });

    // Assess
    expect(accepted.status).toBe(201);
    expect(accepted.body['access-token']).toBeUndefined();
    expect(accepted.body['first-name']).toBe('Grace');
    expect(accepted.headers.getSetCookie().map((line) => line.split('=')[0])).toEqual(['osma_session', 'osma_refresh', 'osma_csrf']);
    const user = await getMembership(owner.organizationId, invitation.attributes['user-id']);
    expect(user).toMatchObject({ first_name: 'Grace', last_name: 'Hopper', full_name: 'Grace Hopper', role_ids: ['viewer'] });
  });

  it('refuses a password the rules refuse, pointing at it, and spends no token', async () => {
    // Prepare
    const owner = await signedIn();
    const { email, token } = await invited(owner, { 'first-name': 'Alan', 'last-name': 'Turing' });

    // Act
    const short = await accept(token, 'short');
    const personal = await accept(token, 'Alan Turing');
    const ownEmail = await accept(token, email);

    // Assess
    for (const answer of [short, personal, ownEmail]) {
      expect(answer.status).toBe(400);
      expect(pointers(answer)).toContain('/password');
    }
    expect((await accept(token)).status).toBe(201);
  });

  it('lets exactly one of racing accepts of one token through', async () => {
    // Prepare
    const owner = await signedIn();
    const { invitation, token } = await invited(owner);

    // Act
    const answers = await Promise.all([1, 2, 3].map(() => accept(token)));

    // Assess
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 400, 400]);
    for (const refused of answers.filter((answer) => answer.status === 400)) expect(refused.body.errors[0].code).toBe('invitation_invalid');
    const user = await getMembership(owner.organizationId, invitation.attributes['user-id']);
    expect(user!.version).toBe(2);
    const history = await db().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': membershipKeys.transitionsPk(owner.organizationId, user!.id) },
      }),
    );
    expect(history.Items!.map((entry) => entry.to).sort()).toEqual(['active:available', 'onboarding:invited']);
  });
});

describe('who may invite whom', () => {
  it('refuses an email already a member, and one with a login in another organization, at invited-email', async () => {
    // Prepare
    const owner = await signedIn();
    const elsewhere = await newPerson(['viewer']);
    const { email } = await invited(owner);

    // Act
    const member = await invite(owner.token, { 'invited-email': owner.email });
    const pending = await invite(owner.token, { 'invited-email': ` ${email.toUpperCase()} `.trim() });
    const otherLogin = await invite(owner.token, { 'invited-email': elsewhere.email });

    // Assess
    for (const answer of [member, pending, otherLogin]) {
      expect(answer.status).toBe(409);
      expect(answer.body.errors[0]).toMatchObject({ code: 'resource_already_exists', source: { pointer: '/data/attributes/invited-email' } });
    }
    expect(await item(membershipKeys.email(owner.organizationId, elsewhere.email))).toBeUndefined();
  });

  it('lets an owner invite an owner, not an admin; refuses a viewer and a developer; lets a viewer read', async () => {
    // Prepare
    const owner = await signedIn(['owner']);
    const admin = await signedIn(['admin']);
    const viewer = await signedIn(['viewer']);
    const developer = await signedIn(['developer']);
    const email = newEmail();

    // Act
    const byAdmin = await invite(admin.token, { 'invited-email': email, 'role-ids': ['owner'] });
    const byViewer = await invite(viewer.token, { 'invited-email': email });
    const byDeveloper = await invite(developer.token, { 'invited-email': email, 'role-ids': ['developer'] });
    const adminByAdmin = await invite(admin.token, { 'invited-email': newEmail(), 'role-ids': ['admin'] });
    const byOwner = await invite(owner.token, { 'invited-email': email, 'role-ids': ['owner', 'viewer'] });

    // Assess
    for (const answer of [byAdmin, byViewer, byDeveloper]) {
      expect(answer.status).toBe(403);
      expect(answer.body.errors[0].code).toBe('forbidden');
    }
    expect(adminByAdmin.status).toBe(201);
    expect(byOwner.status).toBe(201);
    expect(await item(membershipKeys.email(admin.organizationId, email))).toBeUndefined();
    expect((await manage('GET', '/v1/registration-invitations/', { token: viewer.token })).status).toBe(200);
    const accepted = await accept(await mailedToken(email));
    expect(accepted.status).toBe(201);
    const who = await manage('POST', '/v1/authenticate/', { token: accepted.body['access-token'] });
    expect(who.body.data.roles).toEqual(['owner', 'viewer']);
    const owners = await item({ pk: `ORG#${owner.organizationId}#ROLE#owner`, sk: 'ACTIVE_OWNERS' });
    expect(owners?.active_count).toBe(2);
  });

  it("lets an invited admin invite and resend for what they hold, and not resend an owner's invitation", async () => {
    // Prepare: an admin of the owner's organization, by invitation.
    const owner = await signedIn(['owner']);
    const { token: adminLink } = await invited(owner, { 'role-ids': ['admin'] });
    const admin = (await accept(adminLink)).body['access-token'] as string;
    const { email: ownerEmail, invitation: ownerInvitation } = await invited(owner, { 'role-ids': ['owner'] });

    // Act
    const developer = await invite(admin, { 'invited-email': newEmail(), 'role-ids': ['developer'] });
    const resendOwner = await manage('POST', '/v1/resend-invitation/', { token: admin, body: { username: ownerEmail } });
    const revokeOwner = await manage('POST', `/v1/registration-invitations/${ownerInvitation.id}/revoke/`, { token: admin });

    // Assess
    expect(developer.status).toBe(201);
    expect(developer.body.data.attributes['created-by']).not.toBe(owner.userId);
    expect(resendOwner.status).toBe(403);
    expect(resendOwner.body.errors[0].code).toBe('forbidden');
    expect(revokeOwner.status).toBe(201);
  });

  it('leaves one of racing invitations of one email', async () => {
    // Prepare
    const owner = await signedIn();
    const email = newEmail();

    // Act
    const answers = await Promise.all([1, 2, 3, 4].map(() => invite(owner.token, { 'invited-email': email })));

    // Assess
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409, 409, 409]);
    expect(await listIds(owner.token)).toEqual([answers.find((answer) => answer.status === 201)!.body.data.id]);
    expect(await mailsTo(email)).toHaveLength(1);
  });
});

describe('resending and revoking', () => {
  it('resends with a new link by email or by id, and the link before dies', async () => {
    // Prepare
    const owner = await signedIn();
    const { email, invitation, token: first } = await invited(owner);

    // Act
    const byId = await manage('POST', '/v1/resend-invitation/', { token: owner.token, body: { 'invitation-id': invitation.id } });
    const second = await mailedToken(email);
    const byEmail = await manage('POST', '/v1/resend-invitation/', { token: owner.token, body: { username: email.toUpperCase() } });
    const third = await mailedToken(email);

    // Assess
    for (const answer of [byId, byEmail]) {
      expect(answer.status).toBe(201);
      expect(answer.body.data).toMatchObject({ id: invitation.id, attributes: { status: 'pending' } });
      expect(answer.body.meta).toEqual({ 'mail-sent': true });
    }
    expect(new Set([first, second, third]).size).toBe(3);
    expect(await item(invitationKeys.token(hashInvitationToken(second)))).toBeUndefined();
    expect(await mailsTo(email)).toHaveLength(3);
    expect((await accept(first)).status).toBe(400);
    expect((await accept(third)).status).toBe(201);
    const actions = (await listAudit(owner.organizationId, { limit: 20 })).data.map((event) => event.action);
    expect(actions.filter((action) => action === 'invitation.resent')).toHaveLength(2);
  });

  it('revokes: the link dies and the person becomes inactive; a person invited again gets a new invitation', async () => {
    // Prepare
    const owner = await signedIn();
    const { email, invitation, token } = await invited(owner);
    const userId = invitation.attributes['user-id'];

    // Act
    const revoked = await manage('POST', `/v1/registration-invitations/${invitation.id}/revoke/`, { token: owner.token });

    // Assess
    expect(revoked.status).toBe(201);
    expect(revoked.body.data.attributes.status).toBe('revoked');
    expect(await item(invitationKeys.token(hashInvitationToken(token)))).toBeUndefined();
    expect((await accept(token)).status).toBe(400);
    const user = await getMembership(owner.organizationId, userId);
    expect(user).toMatchObject({ state: 'inactive:deactivated', status: 'inactive' });
    const history = await db().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': membershipKeys.transitionsPk(owner.organizationId, userId) },
      }),
    );
    expect(history.Items).toContainEqual(expect.objectContaining({ to: 'inactive:deactivated', reason_code: 'R-REVOKED' }));
    const twice = await manage('POST', `/v1/registration-invitations/${invitation.id}/revoke/`, { token: owner.token });
    expect(twice.status).toBe(409);
    expect(twice.body.errors[0].code).toBe('invalid_state');
    expect(await listIds(owner.token, 'revoked')).toEqual([invitation.id]);
    const notOnboarding = await manage('POST', '/v1/resend-invitation/', { token: owner.token, body: { username: email } });
    expect(notOnboarding.status).toBe(409);

    // Act: moved back to onboarding (as the lifecycle route does), then invited again.
    const back = stateChangeWrites(user!, { state: 'onboarding', subState: 'invited' }, { reasonCode: 'R-REINVITED' });
    await db().send(new TransactWriteCommand({ TransactItems: back.items }));
    const again = await manage('POST', '/v1/resend-invitation/', { token: owner.token, body: { username: email } });

    // Assess
    expect(again.status).toBe(201);
    expect(again.body.data.id).not.toBe(invitation.id);
    expect(again.body.data.attributes).toMatchObject({ status: 'pending', 'user-id': userId });
    expect((await accept(await mailedToken(email))).status).toBe(201);
    expect(await getMembership(owner.organizationId, userId)).toMatchObject({ state: 'active:available', registration_invite: 'accepted' });
  });

  it('lists an invitation past its expiry as expired, refuses its link, and a resend renews it', async () => {
    // Prepare: its link expired a minute ago.
    const owner = await signedIn();
    const { email, invitation, token } = await invited(owner);
    const past = new Date(Date.now() - 60_000);
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: invitationKeys.invitation(owner.organizationId, invitation.id),
        UpdateExpression: 'SET expires_time = :past',
        ExpressionAttributeValues: { ':past': past.toISOString().replace('Z', '000+00:00') },
      }),
    );
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: invitationKeys.token(hashInvitationToken(token)),
        UpdateExpression: 'SET expires_at = :past',
        ExpressionAttributeValues: { ':past': Math.floor(past.getTime() / 1000) },
      }),
    );

    // Act
    const refused = await accept(token);

    // Assess
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].code).toBe('invitation_invalid');
    const read = await manage('GET', `/v1/registration-invitations/${invitation.id}/`, { token: owner.token });
    expect(read.body.data.attributes.status).toBe('expired');
    expect(await listIds(owner.token, 'expired')).toEqual([invitation.id]);
    expect(await listIds(owner.token, 'pending')).toEqual([]);

    // Act: resend.
    const resent = await manage('POST', '/v1/resend-invitation/', { token: owner.token, body: { username: email } });

    // Assess
    expect(resent.status).toBe(201);
    expect(resent.body.data.attributes.status).toBe('pending');
    expect(Date.parse(resent.body.data.attributes['expires-time'])).toBeGreaterThan(Date.now() + 6 * 24 * 3600 * 1000);
    expect(await listIds(owner.token, 'pending')).toEqual([invitation.id]);
    expect((await accept(await mailedToken(email))).status).toBe(201);
  });

  it("marks the person's registration-invite failed when the mail cannot be sent, and a resend sets it back", async () => {
    // Prepare: this process plays the function with no sender (no outbox, no OSMA_MAIL_FROM).
    const owner = await signedIn();
    process.env.OSMA_DASHBOARD_URL = stack.url;
    delete process.env.OSMA_MAIL_FROM;
    const principal = { userId: owner.userId, organizationId: owner.organizationId, sessionId: 'ses_test', roles: ['owner'], permissions: [...PERMISSIONS], email: owner.email };
    const email = newEmail();

    // Act
    const sent = await createInvitation(principal, { email, roleIds: ['viewer'] }, { ip: '127.0.0.1' });

    // Assess
    expect(sent.mailSent).toBe(false);
    expect(await mailsTo(email)).toEqual([]);
    expect(await getMembership(owner.organizationId, sent.invitation.user_id)).toMatchObject({ registration_invite: 'failed', state: 'onboarding:invited' });
    const resent = await manage('POST', '/v1/resend-invitation/', { token: owner.token, body: { username: email } });
    expect(resent.status).toBe(201);
    expect(await getMembership(owner.organizationId, sent.invitation.user_id)).toMatchObject({ registration_invite: 'sent' });
    expect(await mailsTo(email)).toHaveLength(1);
  });
});

describe('the list', () => {
  it('pages newest first by offset, with a link to the next page', async () => {
    // Prepare
    const owner = await signedIn();
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await invited(owner)).invitation.id);

    // Act
    const first = await manage('GET', '/v1/registration-invitations/?filter[status]=pending&page[limit]=2', { token: owner.token });
    const next = await manage('GET', first.body.links.next, { token: owner.token });

    // Assess
    expect(first.body.data.map((invitation: { id: string }) => invitation.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.meta.page).toEqual({ limit: 2, offset: 0 });
    expect(next.status).toBe(200);
    expect(next.body.data.map((invitation: { id: string }) => invitation.id)).toEqual([ids[0]]);
    expect(next.body.links).toEqual({});
    const badFilter = await manage('GET', '/v1/registration-invitations/?filter[status]=lost', { token: owner.token });
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.errors[0].source).toEqual({ parameter: 'filter[status]' });
  });
});

describe('isolation and hostile input', () => {
  it("answers 404 for another organization's invitation, by id and by email", async () => {
    // Prepare
    const owner = await signedIn();
    const stranger = await signedIn();
    const { email, invitation } = await invited(owner);

    // Act
    const answers = [
      await manage('GET', `/v1/registration-invitations/${invitation.id}/`, { token: stranger.token }),
      await manage('POST', `/v1/registration-invitations/${invitation.id}/revoke/`, { token: stranger.token }),
      await manage('POST', '/v1/resend-invitation/', { token: stranger.token, body: { 'invitation-id': invitation.id } }),
      await manage('POST', '/v1/resend-invitation/', { token: stranger.token, body: { username: email } }),
      await manage('GET', '/v1/registration-invitations/inv_nothing/', { token: owner.token }),
    ];

    // Assess
    for (const answer of answers) expect(answer.status).toBe(404);
    expect(await listIds(stranger.token)).toEqual([]);
    expect((await manage('GET', `/v1/registration-invitations/${invitation.id}/`, { token: owner.token })).body.data.attributes.status).toBe('pending');
  });

  it('refuses hostile invitations, each naming its field, and writes nothing', async () => {
    // Prepare
    const owner = await signedIn();
    const email = newEmail();
    const at = (field: string) => `/data/attributes/${field}`;
    const e = JSON.stringify(email);
    // The attributes as sent (raw JSON, so that a __proto__ key stays a key), and the field named.
    const cases: [string, string][] = [
      ['{}', at('invited-email')],
      ['{"invited-email": "not an email"}', at('invited-email')],
      [`{"invited-email": "${'a'.repeat(300)}@osma.test"}`, at('invited-email')],
      ['{"invited-email": ["a@osma.test"]}', at('invited-email')],
      [`{"invited-email": ${e}, "__proto__": {"role-ids": ["owner"]}}`, at('__proto__')],
      [`{"invited-email": ${e}, "constructor": "x"}`, at('constructor')],
      [`{"invited-email": ${e}, "": 1}`, at('')],
      [`{"invited-email": ${e}, "role-ids": ["superuser"]}`, at('role-ids/0')],
      [`{"invited-email": ${e}, "role-ids": ["__proto__"]}`, at('role-ids/0')],
      [`{"invited-email": ${e}, "role-ids": ["${'r'.repeat(10_000)}"]}`, at('role-ids/0')],
      [`{"invited-email": ${e}, "role-ids": "owner"}`, at('role-ids')],
      [`{"invited-email": ${e}, "role-ids": []}`, at('role-ids')],
      [`{"invited-email": ${e}, "role-ids": ${JSON.stringify(Array.from({ length: 21 }, () => 'viewer'))}}`, at('role-ids')],
      [`{"invited-email": ${e}, "role-ids": ["role_2vJ5ZsYxWq9dYkQn4m8Tt1aBcDe"]}`, at('role-ids')],
      [`{"invited-email": ${e}, "first-name": "Eve\\nBcc: x@y.z"}`, at('first-name')],
      [`{"invited-email": ${e}, "first-name": "${'x'.repeat(101)}"}`, at('first-name')],
      [`{"invited-email": ${e}, "last-name": 7}`, at('last-name')],
    ];

    // Act
    const answers = await Promise.all(
      cases.map(([attributes]) =>
        manage('POST', '/v1/registration-invitations/', { token: owner.token, rawBody: `{"data": {"type": "${TYPE}", "attributes": ${attributes}}}` }),
      ),
    );

    // Assess
    answers.forEach((answer, index) => {
      expect(answer.status, cases[index]![0].slice(0, 100)).toBe(400);
      expect(pointers(answer), cases[index]![0].slice(0, 100)).toContain(cases[index]![1]);
    });
    const wrongType = await manage('POST', '/v1/registration-invitations/', { token: owner.token, body: { data: { type: 'users', attributes: { 'invited-email': email } } } });
    expect(wrongType.status).toBe(400);
    expect(await item(membershipKeys.email(owner.organizationId, email))).toBeUndefined();
    expect(await listIds(owner.token)).toEqual([]);
  });

  it('refuses hostile resends and accepts, each naming its field', async () => {
    // Prepare
    const owner = await signedIn();
    const { invitation } = await invited(owner);

    // Act
    const resends = await Promise.all([
      manage('POST', '/v1/resend-invitation/', { token: owner.token, body: {} }),
      manage('POST', '/v1/resend-invitation/', { token: owner.token, body: { username: 'x@osma.test', 'invitation-id': invitation.id } }),
      manage('POST', '/v1/resend-invitation/', { token: owner.token, body: { username: 'x'.repeat(256) } }),
      manage('POST', '/v1/resend-invitation/', { token: owner.token, body: { email: 'x@osma.test' } }),
    ]);
    const accepts = await Promise.all([
      manage('POST', '/v1/accept-invitation/', { body: { password: PASSWORD } }),
      manage('POST', '/v1/accept-invitation/', { body: { token: 'x'.repeat(257), password: PASSWORD } }),
      manage('POST', '/v1/accept-invitation/', { body: { token: 7, password: PASSWORD } }),
      manage('POST', '/v1/accept-invitation/', { body: { token: 'abc', password: PASSWORD, role: 'owner' } }),
      manage('POST', '/v1/accept-invitation/', { body: { token: 'abc', password: 'x'.repeat(256) } }),
    ]);
    const unknownToken = await accept('A'.repeat(43));

    // Assess
    expect(resends.map((answer) => answer.status)).toEqual([400, 400, 400, 400]);
    expect(resends.map((answer) => pointers(answer)[0])).toEqual(['/username', '/invitation-id', '/username', '/email']);
    expect(accepts.map((answer) => answer.status)).toEqual([400, 400, 400, 400, 400]);
    expect(accepts.map((answer) => pointers(answer)[0])).toEqual(['/token', '/token', '/token', '/role', '/password']);
    expect(unknownToken.status).toBe(400);
    expect(unknownToken.body.errors[0].code).toBe('invitation_invalid');
    expect(await item(loginKeys.byEmail(invitation.attributes['invited-email']))).toBeUndefined();
  });
});
