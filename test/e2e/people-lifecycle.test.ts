import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { call } from '#test/support/api';
import { logIn, manage, newPerson } from '#test/support/management';
import { generateApiKey, storeApiKey } from '#shared/identity/api-keys/api-key';
import { listAudit } from '#shared/identity/audit/audit';
import { createLogin } from '#shared/identity/logins/login';
import { sessionKeys } from '#shared/identity/sessions/keys';
import { parseState, type State } from '#shared/identity/users/lifecycle';
import { createMembership } from '#shared/identity/users/membership';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';

/**
 * The OS1 lifecycle through HTTP against the local stack: the moves, their rules and guards,
 * the history, and what a move to inactive does to the person's sessions. Each test has its
 * own organization. Access tokens are checked at every call (OSMA_AUTHORIZER_CACHE_SECONDS=0),
 * so a deactivated person is refused at once. No test here fails a login: a deactivated
 * person's right password is refused without counting as a failure.
 */

/** A fresh organization, its owner (the one active owner) signed in. */
async function organization() {
  const owner = await newPerson(['owner']);
  const { 'access-token': token } = await logIn(owner.email, owner.password);
  return { ...owner, token };
}

/** A person of the organization in `state`, with a password set unless `login` is false. */
async function member(organizationId: string, options: { roles?: string[]; state?: string; login?: boolean } = {}) {
  const email = `member-${crypto.randomUUID()}@osma.test`;
  const password = `Pw-${crypto.randomUUID()}`;
  const user = await createMembership({
    organizationId,
    email,
    firstName: 'Sam',
    lastName: 'Member',
    roleIds: options.roles ?? ['viewer'],
    state: parseState(options.state ?? 'active:available')!,
    registrationInvite: 'accepted',
  });
  if (options.login !== false) await createLogin({ email, password, organizationId, userId: user.id });
  return { userId: user.id, email, password };
}

function move(token: string, userId: string, body: unknown) {
  return manage('POST', `/v1/users/${userId}/state-transitions/`, { token, body });
}

async function history(token: string, userId: string, query = '') {
  const answer = await manage('GET', `/v1/users/${userId}/state-transitions/${query}`, { token });
  expect(answer.status).toBe(200);
  return answer.body as { data: { id: string; attributes: Record<string, any> }[]; links: { next?: string }; meta: unknown };
}

async function stateOf(token: string, userId: string) {
  const answer = await manage('GET', `/v1/users/${userId}/state/`, { token });
  expect(answer.status).toBe(200);
  return answer.body.data.attributes as { state: string; event: { 'to-state': string; 'reason-code': string | null; data: object } | null };
}

const DEFAULT: Record<State, string> = { onboarding: 'onboarding:invited', active: 'active:available', deboarding: 'deboarding:notice', inactive: 'inactive:deactivated' };

const ALLOWED: [State, State][] = [
  ['onboarding', 'active'],
  ['onboarding', 'inactive'],
  ['active', 'deboarding'],
  ['active', 'inactive'],
  ['deboarding', 'active'],
  ['deboarding', 'inactive'],
  ['inactive', 'active'],
  ['inactive', 'onboarding'],
];
const FORBIDDEN: [State, State][] = [
  ['onboarding', 'deboarding'],
  ['active', 'onboarding'],
  ['deboarding', 'onboarding'],
  ['inactive', 'deboarding'],
];

describe('moving a user through the lifecycle', () => {
  it('makes every allowed move, each with its history entry, its audit event and the user changed', async () => {
    // Prepare
    const org = await organization();
    const people = await Promise.all(ALLOWED.map(([from]) => member(org.organizationId, { state: DEFAULT[from] })));

    // Act
    const answers = await Promise.all(ALLOWED.map(([, to], i) => move(org.token, people[i]!.userId, { 'to-state': to, 'reason-code': `R-${i}` })));

    // Assess
    for (const [i, [from, to]] of ALLOWED.entries()) {
      const answer = answers[i]!;
      expect(answer.status, `${from} -> ${to}: ${answer.text}`).toBe(201);
      expect(answer.body.data).toEqual({
        type: 'user-states',
        id: people[i]!.userId,
        attributes: { state: DEFAULT[to], event: { 'to-state': DEFAULT[to], 'reason-code': `R-${i}`, data: {} } },
      });
      const [newest] = (await history(org.token, people[i]!.userId)).data;
      expect(newest!.attributes).toMatchObject({ 'from-state': DEFAULT[from], 'to-state': DEFAULT[to], 'reason-code': `R-${i}`, 'actor-id': org.userId });
    }
    const audit = (await listAudit(org.organizationId, { limit: 100 })).data.filter((event) => event.action === 'user.state_changed');
    expect(audit).toHaveLength(ALLOWED.length);
    expect(audit.find((event) => event.target?.id === people[0]!.userId)).toMatchObject({
      actor: { type: 'user', id: org.userId },
      data: { from: 'onboarding:invited', to: 'active:available', reason: 'R-0' },
    });
  });

  it.each(FORBIDDEN)('refuses %s -> %s with 409 invalid_transition, changing nothing', async (from, to) => {
    // Prepare
    const org = await organization();
    const person = await member(org.organizationId, { state: DEFAULT[from] });

    // Act
    const refused = await move(org.token, person.userId, { 'to-state': to });

    // Assess
    expect(refused.status).toBe(409);
    expect(refused.body.errors[0]).toMatchObject({ code: 'invalid_transition', detail: expect.stringContaining(`cannot move to ${to}`) });
    expect((await stateOf(org.token, person.userId)).state).toBe(DEFAULT[from]);
    expect((await history(org.token, person.userId)).data).toHaveLength(1);
  });

  it('refuses the same state:sub-state again in every state, and allows a sub-state change within each', async () => {
    // Prepare
    const org = await organization();
    const states = Object.keys(DEFAULT) as State[];
    const people = await Promise.all(states.map((state) => member(org.organizationId, { state: DEFAULT[state] })));

    // Act
    const again = await Promise.all(states.map((state, i) => move(org.token, people[i]!.userId, { 'to-state': DEFAULT[state] })));
    const sameDefault = await Promise.all(states.map((state, i) => move(org.token, people[i]!.userId, { 'to-state': state })));
    const within = await Promise.all(states.map((state, i) => move(org.token, people[i]!.userId, { 'to-state': `${state}:on_hold-2` })));

    // Assess
    for (const [i, state] of states.entries()) {
      expect(again[i]!.status).toBe(409);
      expect(again[i]!.body.errors[0].code).toBe('invalid_transition');
      expect(sameDefault[i]!.status).toBe(409);
      expect(within[i]!.status).toBe(201);
      expect(within[i]!.body.data.attributes.state).toBe(`${state}:on_hold-2`);
      expect((await history(org.token, people[i]!.userId)).data.map((entry) => entry.attributes['to-state'])).toEqual([`${state}:on_hold-2`, DEFAULT[state]]);
    }
  });

  it('lets an inactive person become active only once they set a password, and invites them again otherwise', async () => {
    // Prepare
    const org = await organization();
    const neverSignedUp = await member(org.organizationId, { state: 'inactive:deactivated', login: false });

    // Act
    const refused = await move(org.token, neverSignedUp.userId, { 'to-state': 'active' });
    const enableRefused = await manage('POST', `/v1/users/${neverSignedUp.userId}/enable/`, { token: org.token });
    const invitedAgain = await move(org.token, neverSignedUp.userId, { 'to-state': 'onboarding', 'reason-code': 'R-REINVITED' });

    // Assess
    expect(refused.status).toBe(409);
    expect(refused.body.errors[0]).toMatchObject({ code: 'invalid_transition', detail: expect.stringContaining('never set a password') });
    expect(enableRefused.status).toBe(409);
    expect(invitedAgain.status).toBe(201);
    expect(invitedAgain.body.data.attributes.state).toBe('onboarding:invited');
  });
});

describe('what a move takes', () => {
  it('names a bad to-state, reason-code or data by its pointer and writes nothing', async () => {
    // Prepare
    const org = await organization();
    const person = await member(org.organizationId);
    const deep = { a: { b: { c: 1 } } };
    const cases: [unknown, string, string?][] = [
      [{}, '/to-state', 'parameter_missing'],
      [{ 'to-state': 'retired' }, '/to-state'],
      [{ 'to-state': 'active:Available' }, '/to-state'],
      [{ 'to-state': 'deboarding:a:b' }, '/to-state'],
      [{ 'to-state': 'deboarding:' }, '/to-state'],
      [{ 'to-state': 7 }, '/to-state'],
      [{ 'to-state': 'd'.repeat(10_000) }, '/to-state'],
      [{ 'to-state': 'deboarding', 'reason-code': 'because I said so' }, '/reason-code'],
      [{ 'to-state': 'deboarding', 'reason-code': 'R'.repeat(41) }, '/reason-code'],
      [{ 'to-state': 'deboarding', 'reason-code': 104 }, '/reason-code'],
      [{ 'to-state': 'deboarding', data: deep }, '/data/a/b'],
      [{ 'to-state': 'deboarding', data: { list: [[1]] } }, '/data/list/0'],
      [{ 'to-state': 'deboarding', data: { note: 'x'.repeat(5 * 1024) } }, '/data'],
      [{ 'to-state': 'deboarding', data: ['a'] }, '/data'],
      [{ 'to-state': 'deboarding', data: 'text' }, '/data'],
      [{ 'to-state': 'deboarding', data: { '': 1 } }, '/data'],
      [{ 'to-state': 'deboarding', data: { big: 1e300 } }, '/data/big'],
      [{ 'to-state': 'deboarding', actor: 'usr_x' }, '/actor'],
    ];

    // Act
    const answers = await Promise.all(cases.map(([body]) => move(org.token, person.userId, body)));
    const proto = await manage('POST', `/v1/users/${person.userId}/state-transitions/`, {
      token: org.token,
      rawBody: '{"to-state": "deboarding", "data": {"__proto__": {"admin": true}}}',
    });

    // Assess
    for (const [i, [, pointer, code]] of cases.entries()) {
      expect(answers[i]!.status, JSON.stringify(cases[i]![0]).slice(0, 80)).toBe(400);
      expect(answers[i]!.body.errors[0]).toMatchObject({ code: code ?? 'invalid_parameter', source: { pointer } });
    }
    expect(proto.status).toBe(400);
    expect(proto.body.errors[0].source).toEqual({ pointer: '/data/__proto__' });
    expect((await stateOf(org.token, person.userId)).state).toBe('active:available');
    expect((await history(org.token, person.userId)).data).toHaveLength(1);
  });

  it('keeps a reason code and small, shallow data as sent, odd keys included', async () => {
    // Prepare
    const org = await organization();
    const person = await member(org.organizationId);
    const data = { 'effective-at': '2026-03-01', days: 30, paid: true, note: null, tags: ['a', 2], handover: { to: 'usr_x' }, constructor: 'c', toString: 't' };

    // Act
    const moved = await move(org.token, person.userId, { 'to-state': 'deboarding:notice_period', 'reason-code': 'R-104', data });
    const nulls = await move(org.token, person.userId, { 'to-state': 'deboarding:notice', 'reason-code': null, data: null });

    // Assess
    expect(moved.status).toBe(201);
    expect(moved.body.data.attributes.event).toEqual({ 'to-state': 'deboarding:notice_period', 'reason-code': 'R-104', data });
    expect(nulls.status).toBe(201);
    expect(nulls.body.data.attributes.event).toEqual({ 'to-state': 'deboarding:notice', 'reason-code': null, data: {} });
    expect((await history(org.token, person.userId)).data[1]!.attributes.data).toEqual(data);
  });
});

describe('reading the state and the history', () => {
  it('answers the state with no event for a user who never moved, then the last move', async () => {
    // Prepare
    const org = await organization();
    const person = await member(org.organizationId);

    // Act
    const before = await stateOf(org.token, person.userId);
    await move(org.token, person.userId, { 'to-state': 'deboarding', 'reason-code': 'R-7', data: { why: 'notice' } });
    const after = await stateOf(org.token, person.userId);

    // Assess
    expect(before).toEqual({ state: 'active:available', event: null });
    expect(after).toEqual({ state: 'deboarding:notice', event: { 'to-state': 'deboarding:notice', 'reason-code': 'R-7', data: { why: 'notice' } } });
  });

  it('lists the history newest first, paged, from the entry that made the user', async () => {
    // Prepare
    const org = await organization();
    const person = await member(org.organizationId);
    for (const to of ['active:break', 'deboarding', 'active', 'inactive']) expect((await move(org.token, person.userId, { 'to-state': to })).status).toBe(201);

    // Act
    const all = await history(org.token, person.userId);
    const first = await history(org.token, person.userId, '?page[limit]=2');
    const next = await manage('GET', first.links.next!, { token: org.token });
    const last = await history(org.token, person.userId, '?page[limit]=2&page[offset]=4');

    // Assess
    expect(all.data.map((entry) => [entry.attributes['from-state'], entry.attributes['to-state']])).toEqual([
      ['active:available', 'inactive:deactivated'],
      ['deboarding:notice', 'active:available'],
      ['active:break', 'deboarding:notice'],
      ['active:available', 'active:break'],
      [null, 'active:available'],
    ]);
    expect(all.data[0]).toMatchObject({ type: 'user-state-transitions', attributes: { 'actor-id': org.userId, 'reason-code': null, data: {} } });
    expect(all.data[0]!.attributes['created-time']).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(all.data[4]!.attributes['actor-id']).toBeNull();
    expect(all.links).toEqual({});
    expect(first.data.map((entry) => entry.id)).toEqual(all.data.slice(0, 2).map((entry) => entry.id));
    expect(first.meta).toEqual({ page: { limit: 2, offset: 0 } });
    expect(next.status).toBe(200);
    expect(next.body.data.map((entry: { id: string }) => entry.id)).toEqual(all.data.slice(2, 4).map((entry) => entry.id));
    expect(last.data.map((entry) => entry.id)).toEqual([all.data[4]!.id]);
    expect(last.links).toEqual({});
  });
});

describe('enable and disable', () => {
  it('answer the users resource; a user already so stays as they are, with no new entry', async () => {
    // Prepare
    const org = await organization();
    const person = await member(org.organizationId, { state: 'deboarding:notice' });
    const path = (action: string) => `/v1/users/${person.userId}/${action}/`;

    // Act
    const disabled = await manage('POST', path('disable'), { token: org.token, body: {} });
    const disabledAgain = await manage('POST', path('disable'), { token: org.token });
    const enabled = await manage('POST', path('enable'), { token: org.token });
    const enabledAgain = await manage('POST', path('enable'), { token: org.token, body: {} });
    const withBody = await manage('POST', path('enable'), { token: org.token, body: { 'reason-code': 'R-1' } });

    // Assess
    expect(disabled.status).toBe(201);
    expect(disabled.body.data).toMatchObject({
      type: 'users',
      id: person.userId,
      attributes: { state: 'inactive:deactivated', enabled: false, email: person.email, roles: [{ id: 'viewer', name: 'viewer', 'display-name': 'Viewer' }] },
    });
    expect(disabledAgain.status).toBe(201);
    expect(disabledAgain.body.data.attributes.state).toBe('inactive:deactivated');
    expect(enabled.status).toBe(201);
    expect(enabled.body.data.attributes).toMatchObject({ state: 'active:available', enabled: true });
    expect(enabledAgain.status).toBe(201);
    expect(withBody.status).toBe(400);
    expect((await history(org.token, person.userId)).data.map((entry) => entry.attributes['to-state'])).toEqual([
      'active:available',
      'inactive:deactivated',
      'deboarding:notice',
    ]);
  });
});

describe('a deactivated person', () => {
  it('loses every session at once: the next call, the refresh token and the login are refused; enabling lets them in again', async () => {
    // Prepare
    const org = await organization();
    const person = await member(org.organizationId, { roles: ['developer'] });
    const first = await logIn(person.email, person.password);
    const second = await logIn(person.email, person.password);
    expect((await manage('POST', '/v1/authenticate/', { token: first['access-token'] })).status).toBe(201);

    // Act
    const disabled = await manage('POST', `/v1/users/${person.userId}/disable/`, { token: org.token });
    const call = await manage('POST', '/v1/authenticate/', { token: second['access-token'] });
    const refresh = await manage('POST', '/v1/refresh-token/', { body: { 'refresh-token': first['refresh-token'] } });
    const login = await manage('POST', '/v1/login/', { body: { username: person.email, password: person.password } });
    const enabled = await manage('POST', `/v1/users/${person.userId}/enable/`, { token: org.token });
    const again = await logIn(person.email, person.password);

    // Assess
    expect(disabled.status).toBe(201);
    expect(call.status).toBe(401);
    expect(refresh.status).toBe(401);
    expect(refresh.body.errors[0].code).toBe('refresh_token_invalid');
    expect(login.status).toBe(403);
    expect(login.body.errors[0].code).toBe('permission_denied');
    for (const session of [first, second]) {
      const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: sessionKeys.session(session['session-id']), ConsistentRead: true }));
      expect(Item).toMatchObject({ status: 'ended', ended_reason: 'deactivated' });
    }
    expect(enabled.status).toBe(201);
    expect((await manage('POST', '/v1/authenticate/', { token: again['access-token'] })).status).toBe(201);
    expect((await manage('POST', '/v1/authenticate/', { token: first['access-token'] })).status).toBe(401);
  });

  it('is refused also when moved to inactive through state-transitions', async () => {
    // Prepare
    const org = await organization();
    const person = await member(org.organizationId, { state: 'deboarding:notice' });
    const session = await logIn(person.email, person.password);

    // Act
    const moved = await move(org.token, person.userId, { 'to-state': 'inactive:left', 'reason-code': 'R-LEFT' });

    // Assess
    expect(moved.status).toBe(201);
    expect((await manage('POST', '/v1/authenticate/', { token: session['access-token'] })).status).toBe(401);
    expect((await manage('POST', '/v1/refresh-token/', { body: { 'refresh-token': session['refresh-token'] } })).status).toBe(401);
  });
});

describe('who may move whom', () => {
  it('refuses anyone changing their own state, and lets them change their own sub-state', async () => {
    // Prepare
    const org = await organization();
    const admin = await member(org.organizationId, { roles: ['admin'] });
    const { 'access-token': token } = await logIn(admin.email, admin.password);

    // Act
    const disableSelf = await manage('POST', `/v1/users/${admin.userId}/disable/`, { token });
    const inactiveSelf = await move(token, admin.userId, { 'to-state': 'inactive' });
    const deboardSelf = await move(token, admin.userId, { 'to-state': 'deboarding' });
    const ownerSelf = await manage('POST', `/v1/users/${org.userId}/disable/`, { token: org.token });
    const subStateSelf = await move(token, admin.userId, { 'to-state': 'active:on-leave' });

    // Assess
    for (const refused of [disableSelf, inactiveSelf, deboardSelf, ownerSelf]) {
      expect(refused.status).toBe(403);
      expect(refused.body.errors[0].code).toBe('forbidden');
    }
    expect(subStateSelf.status).toBe(201);
    expect((await stateOf(token, admin.userId)).state).toBe('active:on-leave');
    expect((await manage('POST', '/v1/authenticate/', { token: org.token })).status).toBe(201);
  });

  it('lets a viewer and a developer read a state but move no one, and an admin move anyone but an owner', async () => {
    // Prepare
    const org = await organization();
    const target = await member(org.organizationId);
    const tokens: Record<string, string> = {};
    for (const role of ['viewer', 'developer', 'admin']) {
      const person = await member(org.organizationId, { roles: [role] });
      tokens[role] = (await logIn(person.email, person.password))['access-token'];
    }

    // Act
    const reads = await Promise.all(['viewer', 'developer'].map((role) => manage('GET', `/v1/users/${target.userId}/state/`, { token: tokens[role] })));
    const moves = await Promise.all(
      ['viewer', 'developer'].flatMap((role) => [
        move(tokens[role]!, target.userId, { 'to-state': 'deboarding' }),
        manage('POST', `/v1/users/${target.userId}/disable/`, { token: tokens[role] }),
        manage('POST', `/v1/users/${target.userId}/enable/`, { token: tokens[role] }),
      ]),
    );
    const adminMovesOwner = await move(tokens.admin!, org.userId, { 'to-state': 'deboarding' });
    const adminMovesMember = await move(tokens.admin!, target.userId, { 'to-state': 'deboarding' });

    // Assess
    expect(reads.map((answer) => answer.status)).toEqual([200, 200]);
    for (const refused of [...moves, adminMovesOwner]) {
      expect(refused.status).toBe(403);
      expect(refused.body.errors[0].code).toBe('forbidden');
    }
    expect(adminMovesMember.status).toBe(201);
  });

  it('keeps the last active owner in active, and lets them go once another owner is active', async () => {
    // Prepare: the organization's owner is its one active owner; a second owner is deboarding.
    const org = await organization();
    const leaving = await member(org.organizationId, { roles: ['owner'], state: 'deboarding:notice' });
    const { 'access-token': token } = await logIn(leaving.email, leaving.password);

    // Act
    const toDeboarding = await move(token, org.userId, { 'to-state': 'deboarding' });
    const disable = await manage('POST', `/v1/users/${org.userId}/disable/`, { token });
    const subState = await move(token, org.userId, { 'to-state': 'active:on-call' });
    const second = await member(org.organizationId, { roles: ['owner'] });
    const nowAllowed = await move(token, org.userId, { 'to-state': 'deboarding' });
    const secondIsLast = await manage('POST', `/v1/users/${second.userId}/disable/`, { token });

    // Assess
    for (const refused of [toDeboarding, disable, secondIsLast]) {
      expect(refused.status).toBe(409);
      expect(refused.body.errors[0].code).toBe('last_owner');
    }
    expect(subState.status).toBe(201);
    expect(nowAllowed.status).toBe(201);
    expect((await stateOf(token, second.userId)).state).toBe('active:available');
    expect((await history(token, org.userId)).data.map((entry) => entry.attributes['to-state'])).toEqual([
      'deboarding:notice',
      'active:on-call',
      'active:available',
    ]);
  });

  it("answers another organization's user, and what is no user id, as not found on every route", async () => {
    // Prepare
    const org = await organization();
    const other = await organization();
    const stranger = await member(other.organizationId);

    // Act
    const answers = await Promise.all(
      [stranger.userId, 'usr_nope', 'ref:abc'].flatMap((id) => [
        manage('GET', `/v1/users/${id}/state/`, { token: org.token }),
        manage('GET', `/v1/users/${id}/state-transitions/`, { token: org.token }),
        move(org.token, id, { 'to-state': 'inactive' }),
        manage('POST', `/v1/users/${id}/enable/`, { token: org.token }),
        manage('POST', `/v1/users/${id}/disable/`, { token: org.token }),
      ]),
    );

    // Assess
    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(answer.body.errors[0].code).toBe('resource_not_found');
    }
    expect((await stateOf(other.token, stranger.userId)).state).toBe('active:available');
  });
});

describe('racing moves of one user', () => {
  it('let exactly one of the same move win; the others are 409s and the history holds one move', async () => {
    // Prepare
    const org = await organization();
    const person = await member(org.organizationId);

    // Act
    const answers = await Promise.all(Array.from({ length: 4 }, (_, i) => move(org.token, person.userId, { 'to-state': 'inactive', 'reason-code': `R-${i}` })));

    // Assess
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409, 409, 409]);
    const entries = (await history(org.token, person.userId)).data;
    expect(entries.map((entry) => entry.attributes['to-state'])).toEqual(['inactive:deactivated', 'active:available']);
    const audit = (await listAudit(org.organizationId, { limit: 100 })).data.filter((event) => event.action === 'user.state_changed');
    expect(audit).toHaveLength(1);
  });

  it('never land two moves from the same state: the history stays a chain, one entry per 201', async () => {
    // Prepare
    const org = await organization();
    const person = await member(org.organizationId);

    // Act: sub-state moves would all be allowed one after another; at once, all read the same version.
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => move(org.token, person.userId, { 'to-state': `deboarding:s${i}` })));

    // Assess
    const won = answers.filter((answer) => answer.status === 201);
    const lost = answers.filter((answer) => answer.status === 409);
    expect(won.length + lost.length).toBe(answers.length);
    expect(won.length).toBeGreaterThanOrEqual(1);
    for (const answer of lost) expect(answer.body.errors[0].code).toBe('conflict');
    const entries = (await history(org.token, person.userId)).data.map((entry) => entry.attributes).reverse();
    expect(entries).toHaveLength(won.length + 1);
    for (let i = 1; i < entries.length; i++) expect(entries[i]!['from-state']).toBe(entries[i - 1]!['to-state']);
    expect((await stateOf(org.token, person.userId)).state).toBe(entries.at(-1)!['to-state']);
  });
});

describe("the Osma API's view of a user", () => {
  it('shows status and status_transitions through onboarding -> active -> deboarding -> inactive', async () => {
    // Prepare
    const org = await organization();
    const key = generateApiKey('test');
    await storeApiKey(org.organizationId, key);
    const person = await member(org.organizationId, { state: 'onboarding:invited' });
    // The public API's roles[].title projection is part 5's; here only the status is read.
    const publicUser = async () => (await call('GET', `/users/${person.userId}`, { key })).body;
    const statuses: string[] = [publicUser ? (await publicUser()).status : ''];

    // Act
    for (const to of ['active', 'deboarding', 'inactive']) {
      expect((await move(org.token, person.userId, { 'to-state': to })).status).toBe(201);
      statuses.push((await publicUser()).status);
    }
    const final = await publicUser();

    // Assess
    expect(statuses).toEqual(['invited', 'active', 'active', 'inactive']);
    expect(final.status_transitions.map(({ from, to }: { from: string; to: string }) => [from, to])).toEqual([
      ['invited', 'active'],
      ['active', 'inactive'],
    ]);
    expect(final.status_transitions[0].timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

});
