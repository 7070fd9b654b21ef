import { DeleteCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPerson, jobRole } from '#local/people';
import { roleKeys } from '#shared/identity/roles/keys';
import { parseState } from '#shared/identity/users/lifecycle';
import { createMembership, stateChangeWrites, type MembershipItem } from '#shared/identity/users/membership';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';
import { FIRST_VERSION } from '#shared/api/versions';
import { call, newOrganization, TIMESTAMP } from '#test/support/api';

/**
 * The Osma API's users are the management plane's memberships: people made and moved through
 * its own functions appear on `GET /users` as the spec's User, nothing more.
 */
const USER_FIELDS = ['id', 'created_at', 'updated_at', 'email', 'full_name', 'roles', 'status', 'status_transitions'];

type Org = Awaited<ReturnType<typeof newOrganization>>;

/** One lifecycle move, as the management plane writes it (one transaction). */
async function move(user: MembershipItem, to: string): Promise<MembershipItem> {
  const change = stateChangeWrites(user, parseState(to)!, { actor: { type: 'platform' }, reasonCode: 'test' });
  await db().send(new TransactWriteCommand({ TransactItems: change.items }));
  return change.updated;
}

const getUser = (org: Org, id: string, key = org.testKey) => call('GET', `/users/${id}`, { key });
const titles = (body: { roles: { title: string }[] }) => body.roles.map((role) => role.title);

describe('GET /users', () => {
  let org: Org;
  let owner: MembershipItem;

  beforeAll(async () => {
    org = await newOrganization();
    owner = await createPerson(org.organizationId, {
      email: 'Olga.Owner@Osma.test',
      firstName: 'Olga',
      lastName: 'Owner',
      builtInRoles: ['owner'],
      jobTitles: ['Pharmacist'],
      path: ['active:available'],
    });
  });

  it('answers every member, field for field as the spec, the same with a test and a live key', async () => {
    const byTest = await call('GET', '/users', { key: org.testKey });
    const byLive = await call('GET', '/users', { key: org.liveKey });
    const one = await getUser(org, owner.id, org.liveKey);

    expect(byTest.status).toBe(200);
    expect(byTest.body.data.map((user: { id: string }) => user.id)).toEqual([owner.id, org.users.inactive.id, org.users.invited.id, org.users.active.id]);
    for (const user of byTest.body.data) expect(Object.keys(user)).toEqual(USER_FIELDS);
    expect(byTest.body.data[0]).toEqual({
      id: owner.id,
      created_at: owner.created_at,
      updated_at: owner.updated_at,
      email: 'olga.owner@osma.test',
      full_name: 'Olga Owner',
      roles: [{ title: 'Owner' }, { title: 'Pharmacist' }],
      status: 'active',
      status_transitions: [],
    });
    expect(byTest.body.data[0].created_at).toMatch(TIMESTAMP);
    expect(byLive.body).toEqual(byTest.body);
    expect(one.body).toEqual(byTest.body.data[0]);
  });

  it('shows each person\'s job roles by display name, and the true path to their status', async () => {
    const list = (await call('GET', '/users', { key: org.testKey })).body.data as Record<string, any>[];
    const byId = new Map(list.map((user) => [user.id, user]));

    const active = byId.get(org.users.active.id)!;
    const invited = byId.get(org.users.invited.id)!;
    const inactive = byId.get(org.users.inactive.id)!;
    expect(active).toMatchObject({ full_name: 'Active User', roles: [{ title: 'Pharmacist' }], status: 'active' });
    expect(active.status_transitions).toEqual([{ to: 'active', from: 'invited', timestamp: expect.stringMatching(TIMESTAMP) }]);
    expect(invited).toMatchObject({ full_name: 'Invited User', roles: [], status: 'invited', status_transitions: [] });
    expect(inactive).toMatchObject({ roles: [{ title: 'Nurse' }], status: 'inactive' });
    expect(inactive.status_transitions.map((t: { from: string; to: string }) => `${t.from}>${t.to}`)).toEqual(['invited>active', 'active>inactive']);
    // One Pharmacist role for the organization, held by two people.
    expect(await jobRole(org.organizationId, 'Pharmacist')).toBe(owner.role_ids[1]);
  });

  it('pages newest first with starting_after and ending_before, titles on every page', async () => {
    const first = await call('GET', '/users?limit=2', { key: org.testKey });
    const second = await call('GET', `/users?limit=2&starting_after=${first.body.data[1].id}`, { key: org.testKey });
    const back = await call('GET', `/users?limit=2&ending_before=${second.body.data[0].id}`, { key: org.testKey });

    expect(first.body.has_next).toBe(true);
    expect(first.body.data.map(titles)).toEqual([['Owner', 'Pharmacist'], ['Nurse']]);
    expect(second.body.has_next).toBe(false);
    expect(second.body.data.map(titles)).toEqual([[], ['Pharmacist']]);
    expect(back.body.data).toEqual(first.body.data);
  });

  it('answers the same in the first API version', async () => {
    const latest = await getUser(org, owner.id);
    const first = await call('GET', `/users/${owner.id}`, { key: org.testKey, headers: { 'osma-api-version': FIRST_VERSION } });
    const firstList = await call('GET', '/users', { key: org.testKey, headers: { 'osma-api-version': FIRST_VERSION } });

    expect(first.status).toBe(200);
    expect(first.body).toEqual(latest.body);
    expect(firstList.body.data[0]).toEqual(latest.body);
  });

  it('is 404 for another organization\'s user, and for what is no user id', async () => {
    const other = await newOrganization();

    const foreign = await getUser(org, other.users.active.id);
    const roleId = await getUser(org, owner.role_ids[1]!);
    const odd = await Promise.all(['__proto__', 'constructor', 'usr_', `${owner.id}x`, 'usr_'.padEnd(1000, 'A')].map((id) => getUser(org, encodeURIComponent(id))));
    const otherList = await call('GET', '/users', { key: other.testKey });

    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('resource_not_found');
    expect(roleId.status).toBe(404);
    for (const response of odd) expect(response.status, response.text).toBe(404);
    expect(otherList.body.data.map((user: { id: string }) => user.id)).not.toContain(owner.id);
    expect(otherList.body.data).toHaveLength(3);
  });
});

describe('role titles', () => {
  it('follow a custom role\'s display name at once, and leave out a deleted role', async () => {
    const org = await newOrganization();
    const person = await createPerson(org.organizationId, {
      email: 'pat@osma.test',
      firstName: 'Pat',
      lastName: 'Pharma',
      builtInRoles: ['viewer'],
      jobTitles: ['Pharmacist', 'Night shift'],
      path: ['active:available'],
    });
    const [, pharmacist, nightShift] = person.role_ids;
    const role = (id: string) => roleKeys.role(org.organizationId, id);

    const before = await getUser(org, person.id);
    await db().send(
      new UpdateCommand({ TableName: tableName(), Key: role(pharmacist!), UpdateExpression: 'SET display_name = :name', ExpressionAttributeValues: { ':name': 'Clinical pharmacist' } }),
    );
    const renamed = await getUser(org, person.id);
    await db().send(new DeleteCommand({ TableName: tableName(), Key: role(nightShift!) }));
    const deleted = await getUser(org, person.id);
    const listed = await call('GET', '/users?limit=1', { key: org.liveKey });

    expect(titles(before.body)).toEqual(['Viewer', 'Pharmacist', 'Night shift']);
    expect(titles(renamed.body)).toEqual(['Viewer', 'Clinical pharmacist', 'Night shift']);
    expect(titles(deleted.body)).toEqual(['Viewer', 'Clinical pharmacist']);
    expect(listed.body.data[0]).toEqual(deleted.body);
    // Every built-in role by its display name.
    const builtIn = await createPerson(org.organizationId, {
      email: 'all@osma.test',
      firstName: 'All',
      lastName: 'Roles',
      builtInRoles: ['owner', 'admin', 'developer', 'viewer'],
      path: ['active:available'],
    });
    expect(titles((await getUser(org, builtIn.id)).body)).toEqual(['Owner', 'Administrator', 'Developer', 'Viewer']);
  });
});

describe('status', () => {
  it('maps each of the four states, with a transition only when the Osma status changes', async () => {
    const org = await newOrganization();
    let person = await createPerson(org.organizationId, { email: 'sam@osma.test', firstName: 'Sam', lastName: 'States', path: ['onboarding:invited'] });
    const seen: Record<string, any>[] = [];
    const look = async () => seen.push((await getUser(org, person.id)).body);

    await look();
    person = await move(person, 'onboarding:verifying');
    await look();
    person = await move(person, 'active:available');
    await look();
    person = await move(person, 'active:on-leave');
    await look();
    person = await move(person, 'deboarding:notice');
    await look();
    person = await move(person, 'inactive:deactivated');
    await look();

    expect(seen.map((user) => user.status)).toEqual(['invited', 'invited', 'active', 'active', 'active', 'inactive']);
    expect(seen.map((user) => user.status_transitions.length)).toEqual([0, 0, 1, 1, 1, 2]);
    expect(seen[5]!.status_transitions).toEqual([
      { to: 'active', from: 'invited', timestamp: seen[2]!.updated_at },
      { to: 'inactive', from: 'active', timestamp: seen[5]!.updated_at },
    ]);
    // Every move is a change of the user, even one the Osma status does not show.
    const updated = seen.map((user) => user.updated_at);
    expect([...updated].sort()).toEqual(updated);
    expect(updated[4]).not.toBe(updated[0]);
  });
});

describe('no management field', () => {
  it('appears on the public user, however much the membership holds', async () => {
    const org = await newOrganization();
    const pharmacist = await jobRole(org.organizationId, 'Pharmacist');
    const person = await createMembership({
      organizationId: org.organizationId,
      email: 'Full.Profile@osma.test',
      firstName: 'Frida',
      middleName: 'Middle',
      lastName: 'Profile',
      phone: '+15550100199',
      externalRef: 'EXT-SECRET-REF',
      roleIds: [pharmacist, 'developer'],
      state: { state: 'onboarding', subState: 'invited' },
      registrationInvite: 'sent',
      createdBy: 'usr_2C7PGhJ0dGhQ4ZdD2mB9iWcXk3L',
      loginId: 'lgn_hidden_login',
      profile: { designation: 'Hidden designation', category: 'regular' },
      attributes: { badge: 'hidden-badge-value' },
    });

    const one = await getUser(org, person.id);
    const list = await call('GET', '/users?limit=1', { key: org.testKey });

    expect(Object.keys(one.body)).toEqual(USER_FIELDS);
    expect(one.body).toMatchObject({ email: 'full.profile@osma.test', full_name: 'Frida Profile', roles: [{ title: 'Pharmacist' }, { title: 'Developer' }] });
    for (const text of [one.text, list.text]) {
      for (const hidden of ['+15550100199', 'EXT-SECRET-REF', 'lgn_hidden_login', 'Hidden designation', 'hidden-badge-value', pharmacist, 'onboarding', 'registration', 'role_ids', 'version', 'organization_id', 'created_by', 'gsi1', '"pk"', 'Middle']) {
        expect(text).not.toContain(hidden);
      }
    }
  });
});

describe('task assignment', () => {
  let org: Org;

  beforeAll(async () => {
    org = await newOrganization();
    for (const key of [org.testKey, org.liveKey]) {
      await call('POST', '/task_templates', { key, body: { reference: 'check_in', name: 'Check in' } });
    }
  });

  const assign = (userId: string, key = org.testKey) => call('POST', '/tasks', { key, body: { template: 'check_in', assigned_to: userId } });

  it('takes active and deboarding people, in both modes, and refuses invited and inactive ones', async () => {
    const leaving = await move(
      await createPerson(org.organizationId, { email: 'dee@osma.test', firstName: 'Dee', lastName: 'Boarding', path: ['onboarding:invited', 'active:available'] }),
      'deboarding:notice',
    );

    const responses = {
      active: await assign(org.users.active.id),
      deboarding: await assign(leaving.id),
      deboardingLive: await assign(leaving.id, org.liveKey),
      invited: await assign(org.users.invited.id),
      inactive: await assign(org.users.inactive.id),
    };

    expect(responses.active.status).toBe(201);
    expect(responses.deboarding.status).toBe(201);
    expect(responses.deboarding.body.assigned_to).toBe(leaving.id);
    expect(responses.deboardingLive.status).toBe(201);
    expect(responses.deboardingLive.body.live_mode).toBe(true);
    for (const [status, response] of [['invited', responses.invited], ['inactive', responses.inactive]] as const) {
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('user_not_permitted');
      expect(response.body.params[0].param).toBe('assigned_to');
      expect(response.body.message).toContain(`is ${status}`);
    }
  });

  it('follows the person\'s moves: refused once inactive, taken again once back to active', async () => {
    let person = await createPerson(org.organizationId, { email: 'mo@osma.test', firstName: 'Mo', lastName: 'Ves', path: ['onboarding:invited'] });

    const whileInvited = await assign(person.id);
    person = await move(person, 'active:available');
    const whileActive = await assign(person.id);
    person = await move(person, 'inactive:deactivated');
    const whileInactive = await assign(person.id);
    const other = await assign(org.users.active.id);
    const reassign = await call('POST', `/tasks/${other.body.id}`, { key: org.testKey, body: { assigned_to: person.id } });
    person = await move(person, 'active:available');
    const back = await assign(person.id);

    expect(whileInvited.body.code).toBe('user_not_permitted');
    expect(whileActive.status).toBe(201);
    expect(whileInactive.body.code).toBe('user_not_permitted');
    expect(reassign.body.code).toBe('user_not_permitted');
    expect(back.status).toBe(201);
    expect((await getUser(org, person.id)).body.status_transitions.map((t: { to: string }) => t.to)).toEqual(['active', 'inactive', 'active']);
  });
});
