import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { logIn, manage, newPerson } from '#test/support/management';
import { listAudit } from '#shared/identity/audit/audit';
import { createOwner } from '#shared/identity/logins/owner';
import { BUILT_IN_ROLES, MAX_CUSTOM_ROLES, roleKeys } from '#shared/identity/roles/keys';
import { identityRouteList } from '#shared/identity/routes';
import { createMembership, getMembership } from '#shared/identity/users/membership';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';

/**
 * Roles through HTTP against the local stack: custom roles, who holds what, and the rules that
 * keep it safe (nobody grants or edits what they do not hold, only an owner makes an owner, the
 * last active owner stays one). Each test has organizations of its own.
 */

type Person = { organizationId: string; userId: string; email: string; token: string };

async function signedIn(roles: string[]): Promise<Person> {
  const person = await newPerson(roles);
  const { 'access-token': token } = await logIn(person.email, person.password);
  return { organizationId: person.organizationId, userId: person.userId, email: person.email, token };
}

/** A member who cannot sign in (no login), for being given roles. */
async function member(organizationId: string, roles: string[] = ['viewer'], state: 'active' | 'inactive' = 'active') {
  return createMembership({
    organizationId,
    email: `member-${crypto.randomUUID()}@osma.test`,
    firstName: 'Sam',
    roleIds: roles,
    state: { state, subState: state === 'active' ? 'available' : 'deactivated' },
    registrationInvite: 'none',
  });
}

/**
 * A second person of `owner`'s organization who signs in holding exactly `roles`: made an owner
 * (the one way to add a login here), then given the roles and relieved of owner through the API.
 */
async function colleague(owner: Person, roles: string[]): Promise<Person> {
  const email = `colleague-${crypto.randomUUID()}@osma.test`;
  const password = `Pw-${crypto.randomUUID()}`;
  const { userId } = await createOwner({ organizationId: owner.organizationId, email, password, firstName: 'Cole', lastName: 'League' });
  for (const role of roles) expect((await assign(owner.token, role, { 'user-id': userId })).status).toBe(201);
  if (!roles.includes('owner')) expect((await remove(owner.token, 'owner', { 'user-id': userId })).status).toBe(204);
  const { 'access-token': token } = await logIn(email, password);
  return { organizationId: owner.organizationId, userId, email, token };
}

function createRole(token: string, attributes: Record<string, unknown>) {
  return manage('POST', '/v1/roles/', { token, body: { data: { type: 'roles', attributes } } });
}

function assign(token: string, roleId: string, user: { 'user-id'?: string; email?: string }) {
  return manage('POST', '/v1/role-users/', { token, body: { data: { type: 'role-users', attributes: { 'role-id': roleId, ...user } } } });
}

function remove(token: string, roleId: string, user: { 'user-id'?: string; email?: string }) {
  return manage('POST', `/v1/roles/${roleId}/remove-user/`, { token, body: { data: { type: 'roles', attributes: user } } });
}

async function newRole(token: string, name: string, permissions: string[] = []): Promise<string> {
  const created = await createRole(token, { name, 'display-name': name, permissions });
  expect(created.status, created.text).toBe(201);
  return created.body.data.id;
}

const pointer = (answer: { body: any }) => answer.body.errors[0].source?.pointer;

describe('custom roles', () => {
  it('are created, listed after the built-in roles, read, changed and deleted, and their name is free again', async () => {
    const owner = await signedIn(['owner']);

    const created = await createRole(owner.token, { name: 'pharmacist', 'display-name': 'Pharmacist', permissions: ['organization.read'] });
    const id = created.body.data.id;
    const list = await manage('GET', '/v1/roles/', { token: owner.token });
    const byName = await manage('GET', '/v1/roles/?filter[name]=pharmacist', { token: owner.token });
    const one = await manage('GET', `/v1/roles/${id}/`, { token: owner.token });
    const builtIn = await manage('GET', '/v1/roles/owner/', { token: owner.token });
    const changed = await manage('PATCH', `/v1/roles/${id}/`, {
      token: owner.token,
      body: { data: { type: 'roles', id, attributes: { 'display-name': 'Chief Pharmacist', permissions: ['audit.read', 'organization.read'] } } },
    });
    const afterChange = await manage('GET', `/v1/roles/${id}/`, { token: owner.token });
    const deleted = await manage('DELETE', `/v1/roles/${id}/`, { token: owner.token });
    const gone = await manage('GET', `/v1/roles/${id}/`, { token: owner.token });
    const again = await createRole(owner.token, { name: 'pharmacist', 'display-name': 'Pharmacist' });

    expect(created.status).toBe(201);
    expect(id).toMatch(/^role_/);
    expect(created.body.data.attributes).toEqual({
      name: 'pharmacist',
      'display-name': 'Pharmacist',
      permissions: ['organization.read'],
      'built-in': false,
      'user-count': 0,
      'organization-id': owner.organizationId,
      'created-time': expect.any(String),
      'last-modified-time': expect.any(String),
    });
    expect(list.status).toBe(200);
    expect(list.body.data.map((role: any) => role.id)).toEqual(['owner', 'admin', 'developer', 'viewer', id]);
    expect(list.body.meta.page).toEqual({ limit: 100, offset: 0, total: 5 });
    expect(list.body.data[0].attributes).toMatchObject({ 'built-in': true, 'user-count': 1, permissions: [...BUILT_IN_ROLES.owner.permissions], 'created-time': null });
    expect(byName.body.data.map((role: any) => role.id)).toEqual([id]);
    expect(one.body.data).toEqual(created.body.data);
    expect(builtIn.body.data.attributes).toMatchObject({ name: 'owner', 'display-name': 'Owner', 'user-count': 1 });
    expect(changed.status).toBe(200);
    expect(changed.body.data.attributes).toMatchObject({ name: 'pharmacist', 'display-name': 'Chief Pharmacist', permissions: ['organization.read', 'audit.read'] });
    expect(afterChange.body.data).toEqual(changed.body.data);
    expect(deleted.status).toBe(204);
    expect(gone.status).toBe(404);
    expect(again.status).toBe(201);
    const events = (await listAudit(owner.organizationId, { limit: 20 })).data.map((event) => event.action);
    expect(events).toEqual(expect.arrayContaining(['role.created', 'role.updated', 'role.deleted']));
  });

  it('refuses bad names, taken names, built-in names, bad display names and permissions, each naming the field', async () => {
    const owner = await signedIn(['owner']);
    await newRole(owner.token, 'nurse');

    const cases: [Record<string, unknown>, number, string][] = [
      [{ name: 'Pharmacist', 'display-name': 'x' }, 400, '/data/attributes/name'],
      [{ name: '', 'display-name': 'x' }, 400, '/data/attributes/name'],
      [{ name: '-lead', 'display-name': 'x' }, 400, '/data/attributes/name'],
      [{ name: 'night nurse', 'display-name': 'x' }, 400, '/data/attributes/name'],
      [{ name: 'a'.repeat(51), 'display-name': 'x' }, 400, '/data/attributes/name'],
      [{ name: 42, 'display-name': 'x' }, 400, '/data/attributes/name'],
      [{ 'display-name': 'x' }, 400, '/data/attributes/name'],
      [{ name: 'owner', 'display-name': 'x' }, 409, '/data/attributes/name'],
      [{ name: 'viewer', 'display-name': 'x' }, 409, '/data/attributes/name'],
      [{ name: 'nurse', 'display-name': 'Nurse' }, 409, '/data/attributes/name'],
      [{ name: 'clerk', 'display-name': '   ' }, 400, '/data/attributes/display-name'],
      [{ name: 'clerk', 'display-name': 'x'.repeat(101) }, 400, '/data/attributes/display-name'],
      [{ name: 'clerk', 'display-name': 'Clerk\u0000' }, 400, '/data/attributes/display-name'],
      [{ name: 'clerk', 'display-name': ['Clerk'] }, 400, '/data/attributes/display-name'],
      [{ name: 'clerk', 'display-name': 'Clerk', permissions: ['everything'] }, 400, '/data/attributes/permissions/0'],
      [{ name: 'clerk', 'display-name': 'Clerk', permissions: 'organization.read' }, 400, '/data/attributes/permissions'],
      [{ name: 'clerk', 'display-name': 'Clerk', permissions: Array(11).fill('organization.read') }, 400, '/data/attributes/permissions'],
      [{ name: 'clerk', 'display-name': 'Clerk', constructor: 'x' }, 400, '/data/attributes/constructor'],
      [{ name: 'clerk', 'display-name': 'Clerk', '': 'x' }, 400, '/data/attributes/'],
    ];
    const answers = await Promise.all(cases.map(([attributes]) => createRole(owner.token, attributes)));
    const proto = await manage('POST', '/v1/roles/', {
      token: owner.token,
      rawBody: '{"data": {"type": "roles", "attributes": {"name": "clerk", "display-name": "Clerk", "__proto__": {"x": 1}}}}',
    });
    const wrongType = await manage('POST', '/v1/roles/', { token: owner.token, body: { data: { type: 'users', attributes: { name: 'clerk', 'display-name': 'Clerk' } } } });
    const list = await manage('GET', '/v1/roles/', { token: owner.token });

    answers.forEach((answer, index) => {
      const [, status, where] = cases[index]!;
      expect([answer.status, pointer(answer)], JSON.stringify(cases[index]![0]).slice(0, 80)).toEqual([status, where]);
    });
    expect(answers.filter((answer) => answer.status === 409).every((answer) => answer.body.errors[0].code === 'resource_already_exists')).toBe(true);
    expect(proto.status).toBe(400);
    expect(wrongType.status).toBe(400);
    expect(pointer(wrongType)).toBe('/data/type');
    expect(list.body.data.map((role: any) => role.attributes.name)).toEqual(['owner', 'admin', 'developer', 'viewer', 'nurse']);
  });

  it('keeps the built-in roles fixed and the name as created, and answers unknown ids as not found', async () => {
    const owner = await signedIn(['owner']);
    const id = await newRole(owner.token, 'clerk');

    const renamed = await manage('PATCH', `/v1/roles/${id}/`, { token: owner.token, body: { data: { type: 'roles', attributes: { name: 'scribe' } } } });
    const otherId = await manage('PATCH', `/v1/roles/${id}/`, { token: owner.token, body: { data: { type: 'roles', id: 'admin', attributes: {} } } });
    const patchBuiltIn = await manage('PATCH', '/v1/roles/admin/', { token: owner.token, body: { data: { type: 'roles', attributes: { 'display-name': 'Boss' } } } });
    const deleteBuiltIn = await manage('DELETE', '/v1/roles/viewer/', { token: owner.token });
    const unknown = await Promise.all(
      ['role_0000000000000000000000000000', 'nope', '__proto__', 'constructor', 'x'.repeat(300)].map((bad) => manage('GET', `/v1/roles/${bad}/`, { token: owner.token })),
    );
    const deleteUnknown = await manage('DELETE', '/v1/roles/role_0000000000000000000000000000/', { token: owner.token });

    expect(renamed.status).toBe(400);
    expect(pointer(renamed)).toBe('/data/attributes/name');
    expect(otherId.status).toBe(400);
    expect(pointer(otherId)).toBe('/data/id');
    expect(patchBuiltIn.status).toBe(409);
    expect(patchBuiltIn.body.errors[0].code).toBe('invalid_state');
    expect(deleteBuiltIn.status).toBe(409);
    expect(unknown.map((answer) => answer.status)).toEqual([404, 404, 404, 404, 404]);
    expect(deleteUnknown.status).toBe(404);
    expect((await manage('GET', `/v1/roles/${id}/`, { token: owner.token })).body.data.attributes.name).toBe('clerk');
  });

  it("are another organization's business: its roles are not found, and lists show only one's own", async () => {
    const owner = await signedIn(['owner']);
    const other = await signedIn(['owner']);
    const theirs = await newRole(other.token, 'theirs');
    const someone = await member(other.organizationId);
    const mine = await member(owner.organizationId);

    const get = await manage('GET', `/v1/roles/${theirs}/`, { token: owner.token });
    const patch = await manage('PATCH', `/v1/roles/${theirs}/`, { token: owner.token, body: { data: { type: 'roles', attributes: { 'display-name': 'Mine' } } } });
    const del = await manage('DELETE', `/v1/roles/${theirs}/`, { token: owner.token });
    const holders = await manage('GET', `/v1/role-users/?role-id=${theirs}`, { token: owner.token });
    const assignTheirRole = await assign(owner.token, theirs, { 'user-id': mine.id });
    const assignTheirUser = await assign(owner.token, 'viewer', { 'user-id': someone.id });
    const assignTheirEmail = await assign(owner.token, 'viewer', { email: someone.email });
    const removeTheirRole = await remove(owner.token, theirs, { 'user-id': mine.id });
    const removeTheirUser = await remove(owner.token, 'viewer', { 'user-id': someone.id });
    const listOther = await manage('GET', `/v1/roles/?organization-id=${other.organizationId}`, { token: owner.token });
    const list = await manage('GET', '/v1/roles/', { token: owner.token });

    for (const answer of [get, patch, del, holders, assignTheirRole, assignTheirUser, assignTheirEmail, removeTheirRole, removeTheirUser, listOther]) {
      expect([answer.status, answer.body.errors?.[0]?.code]).toEqual([404, 'resource_not_found']);
    }
    expect(pointer(assignTheirRole)).toBe('/data/attributes/role-id');
    expect(pointer(assignTheirUser)).toBe('/data/attributes/user-id');
    expect(pointer(assignTheirEmail)).toBe('/data/attributes/email');
    expect(list.body.data.map((role: any) => role.id)).toEqual(['owner', 'admin', 'developer', 'viewer']);
    expect((await getMembership(other.organizationId, someone.id))?.role_ids).toEqual(['viewer']);
    expect((await manage('GET', `/v1/roles/${theirs}/`, { token: other.token })).body.data.attributes['display-name']).toBe('theirs');
  });

  it('stop at the cap on custom roles, kept by a counter that deleting moves back', async () => {
    const owner = await signedIn(['owner']);
    const id = await newRole(owner.token, 'first');
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: roleKeys.customCount(owner.organizationId),
        UpdateExpression: 'SET custom_count = :max',
        ExpressionAttributeValues: { ':max': MAX_CUSTOM_ROLES },
      }),
    );

    const refused = await createRole(owner.token, { name: 'one-too-many', 'display-name': 'One too many' });
    const deleted = await manage('DELETE', `/v1/roles/${id}/`, { token: owner.token });
    const accepted = await createRole(owner.token, { name: 'one-too-many', 'display-name': 'One too many' });

    expect(refused.status).toBe(409);
    expect(refused.body.errors[0].code).toBe('invalid_state');
    expect(deleted.status).toBe(204);
    expect(accepted.status).toBe(201);
  });

  it('of racing creates of one name, exactly one lands', async () => {
    const owner = await signedIn(['owner']);

    const answers = await Promise.all(Array.from({ length: 6 }, (_, n) => createRole(owner.token, { name: 'twin', 'display-name': `Twin ${n}` })));
    const list = await manage('GET', '/v1/roles/?filter[name]=twin', { token: owner.token });

    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    expect(list.body.data).toHaveLength(1);
  });
});

describe('who may manage roles', () => {
  it('lets a developer and a viewer read roles, and refuses them every change with 403 forbidden', async () => {
    const owner = await signedIn(['owner']);
    const developer = await colleague(owner, ['developer']);
    const viewer = await colleague(owner, ['viewer']);
    const id = await newRole(owner.token, 'clerk');
    const someone = await member(owner.organizationId);

    const reads = await Promise.all([developer, viewer].flatMap(({ token }) => [
      manage('GET', '/v1/roles/', { token }),
      manage('GET', `/v1/roles/${id}/`, { token }),
      manage('GET', `/v1/role-users/?role-id=owner`, { token }),
    ]));
    const changes = await Promise.all([developer, viewer].flatMap(({ token }) => [
      createRole(token, { name: 'mine', 'display-name': 'Mine' }),
      manage('PATCH', `/v1/roles/${id}/`, { token, body: { data: { type: 'roles', attributes: { 'display-name': 'Mine' } } } }),
      manage('DELETE', `/v1/roles/${id}/`, { token }),
      assign(token, id, { 'user-id': someone.id }),
      remove(token, 'viewer', { 'user-id': someone.id }),
    ]));

    expect(reads.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(changes.map((answer) => [answer.status, answer.body.errors[0].code])).toEqual(Array(10).fill([403, 'forbidden']));
    expect((await getMembership(owner.organizationId, someone.id))?.role_ids).toEqual(['viewer']);
  });

  it('lets an admin manage roles but not make or unmake an owner; an owner can', async () => {
    const owner = await signedIn(['owner']);
    const admin = await colleague(owner, ['admin']);
    const someone = await member(owner.organizationId);

    const makeOwner = await assign(admin.token, 'owner', { 'user-id': someone.id });
    const unmakeOwner = await remove(admin.token, 'owner', { 'user-id': owner.userId });
    const makeAdmin = await assign(admin.token, 'admin', { 'user-id': someone.id });
    const ownerMakesOwner = await assign(owner.token, 'owner', { email: someone.email });
    const holders = await manage('GET', '/v1/role-users/?role-id=owner', { token: admin.token });

    expect([makeOwner.status, makeOwner.body.errors[0].code]).toEqual([403, 'forbidden']);
    expect([unmakeOwner.status, unmakeOwner.body.errors[0].code]).toEqual([403, 'forbidden']);
    expect(makeAdmin.status).toBe(201);
    expect(ownerMakesOwner.status).toBe(201);
    expect(holders.body.data.map((holder: any) => holder.attributes['user-id']).sort()).toEqual([owner.userId, someone.id].sort());
    expect((await getMembership(owner.organizationId, someone.id))?.role_ids).toEqual(['viewer', 'admin', 'owner']);
  });

  it('holds a custom role to the grant rule: nobody creates, edits, gives or takes a role allowing more than they hold', async () => {
    const owner = await signedIn(['owner']);
    const keeperRole = await newRole(owner.token, 'role-keeper', ['organization.read', 'roles.manage']);
    const auditor = await newRole(owner.token, 'auditor', ['audit.read']);
    const pharmacist = await newRole(owner.token, 'pharmacist');
    const keeper = await colleague(owner, [keeperRole]);
    const someone = await member(owner.organizationId, [auditor]);

    const beyond = await createRole(keeper.token, { name: 'audit-reader', 'display-name': 'Audit reader', permissions: ['audit.read'] });
    const within = await createRole(keeper.token, { name: 'reader', 'display-name': 'Reader', permissions: ['organization.read'] });
    const editAbove = await manage('PATCH', `/v1/roles/${auditor}/`, { token: keeper.token, body: { data: { type: 'roles', attributes: { 'display-name': 'Mine' } } } });
    const raise = await manage('PATCH', `/v1/roles/${pharmacist}/`, { token: keeper.token, body: { data: { type: 'roles', attributes: { permissions: ['audit.read'] } } } });
    const deleteWithin = await manage('DELETE', `/v1/roles/${within.body.data.id}/`, { token: keeper.token });
    const deleteAbove = await manage('DELETE', `/v1/roles/${auditor}/`, { token: keeper.token });
    const giveAbove = await assign(keeper.token, auditor, { 'user-id': owner.userId });
    const giveViewer = await assign(keeper.token, 'viewer', { 'user-id': someone.id });
    const takeAbove = await remove(keeper.token, auditor, { 'user-id': someone.id });
    const givePharmacist = await assign(keeper.token, pharmacist, { 'user-id': someone.id });
    const ownerRaises = await manage('PATCH', `/v1/roles/${pharmacist}/`, { token: owner.token, body: { data: { type: 'roles', attributes: { permissions: ['audit.read'] } } } });

    for (const refused of [beyond, editAbove, raise, deleteAbove, giveAbove, giveViewer, takeAbove]) {
      expect([refused.status, refused.body.errors[0].code]).toEqual([403, 'forbidden']);
    }
    expect(within.status).toBe(201);
    expect(deleteWithin.status).toBe(204);
    expect(givePharmacist.status).toBe(201);
    expect(ownerRaises.status).toBe(200);
    expect((await getMembership(owner.organizationId, someone.id))?.role_ids).toEqual([auditor, pharmacist]);
  });
});

describe('role holders', () => {
  it('are given and relieved of a role by user id and by email, with its count, its list and the audit trail', async () => {
    const owner = await signedIn(['owner']);
    const id = await newRole(owner.token, 'pharmacist');
    const someone = await member(owner.organizationId);

    const byEmail = await assign(owner.token, id, { email: someone.email.toUpperCase() });
    const twice = await assign(owner.token, id, { 'user-id': someone.id });
    const holders = await manage('GET', `/v1/role-users/?role-id=${id}`, { token: owner.token });
    const counted = await manage('GET', `/v1/roles/${id}/`, { token: owner.token });
    const whileHeld = (await getMembership(owner.organizationId, someone.id))!;
    const removed = await remove(owner.token, id, { email: someone.email });
    const removedTwice = await remove(owner.token, id, { 'user-id': someone.id });
    const byId = await assign(owner.token, id, { 'user-id': someone.id });
    const removedById = await remove(owner.token, id, { 'user-id': someone.id });
    const after = (await getMembership(owner.organizationId, someone.id))!;
    const empty = await manage('GET', `/v1/role-users/?role-id=${id}`, { token: owner.token });

    expect(byEmail.status).toBe(201);
    expect(byEmail.body.data).toEqual({
      type: 'role-users',
      id: `${id}:${someone.id}`,
      attributes: { 'role-id': id, 'user-id': someone.id, email: someone.email, 'created-time': expect.any(String) },
    });
    expect([twice.status, twice.body.errors[0].code]).toEqual([409, 'resource_already_exists']);
    expect(holders.body.data).toEqual([byEmail.body.data]);
    expect(holders.body.meta.page.total).toBe(1);
    expect(counted.body.data.attributes['user-count']).toBe(1);
    expect(whileHeld.role_ids).toEqual(['viewer', id]);
    expect(whileHeld.version).toBe(someone.version + 1);
    expect(removed.status).toBe(204);
    expect([removedTwice.status, pointer(removedTwice)]).toEqual([404, '/data/attributes/user-id']);
    expect(byId.status).toBe(201);
    expect(removedById.status).toBe(204);
    expect(after.role_ids).toEqual(['viewer']);
    expect(empty.body.data).toEqual([]);
    expect((await manage('GET', `/v1/roles/${id}/`, { token: owner.token })).body.data.attributes['user-count']).toBe(0);
    const events = (await listAudit(owner.organizationId, { limit: 20 })).data.filter((event) => event.action.startsWith('role.'));
    expect(events.map((event) => event.action).reverse()).toEqual(['role.created', 'role.assigned', 'role.removed', 'role.assigned', 'role.removed']);
    expect(events[0]).toMatchObject({ actor: { type: 'user', id: owner.userId }, target: { type: 'user', id: someone.id }, data: { 'role-id': id, 'user-id': someone.id } });
  });

  it('refuses a body that names no user, two different users, or what is not there', async () => {
    const owner = await signedIn(['owner']);
    const a = await member(owner.organizationId);
    const b = await member(owner.organizationId);

    const nobody = await assign(owner.token, 'developer', {});
    const two = await assign(owner.token, 'developer', { 'user-id': a.id, email: b.email });
    const unknownEmail = await assign(owner.token, 'developer', { email: 'nobody@osma.test' });
    const unknownUser = await assign(owner.token, 'developer', { 'user-id': 'usr_0000000000000000000000000000' });
    const notAnId = await assign(owner.token, 'developer', { 'user-id': '__proto__' });
    const unknownRole = await assign(owner.token, 'superuser', { 'user-id': a.id });
    const hostile = await manage('POST', '/v1/role-users/', {
      token: owner.token,
      body: { data: { type: 'role-users', attributes: { 'role-id': 'developer', 'user-id': a.id, constructor: 1 } } },
    });
    const wrongType = await assign(owner.token, 'developer', { 'user-id': 7 as unknown as string });
    const huge = await assign(owner.token, 'developer', { email: `${'x'.repeat(5000)}@osma.test` });
    const removeNobody = await manage('POST', '/v1/roles/developer/remove-user/', { token: owner.token, body: { data: { type: 'roles', attributes: {} } } });
    const removeFromUnknownRole = await remove(owner.token, 'role_0000000000000000000000000000', { 'user-id': a.id });
    const noRoleId = await manage('GET', '/v1/role-users/', { token: owner.token });

    expect([nobody.status, pointer(nobody)]).toEqual([400, '/data/attributes/user-id']);
    expect([two.status, pointer(two)]).toEqual([400, '/data/attributes/email']);
    expect([unknownEmail.status, pointer(unknownEmail)]).toEqual([404, '/data/attributes/email']);
    expect([unknownUser.status, pointer(unknownUser)]).toEqual([404, '/data/attributes/user-id']);
    expect([notAnId.status, pointer(notAnId)]).toEqual([404, '/data/attributes/user-id']);
    expect([unknownRole.status, pointer(unknownRole)]).toEqual([404, '/data/attributes/role-id']);
    expect([hostile.status, pointer(hostile)]).toEqual([400, '/data/attributes/constructor']);
    expect([wrongType.status, pointer(wrongType)]).toEqual([400, '/data/attributes/user-id']);
    expect([huge.status, pointer(huge)]).toEqual([400, '/data/attributes/email']);
    expect([removeNobody.status, pointer(removeNobody)]).toEqual([400, '/data/attributes/user-id']);
    expect(removeFromUnknownRole.status).toBe(404);
    expect([noRoleId.status, noRoleId.body.errors[0].source]).toEqual([400, { parameter: 'role-id' }]);
    expect((await getMembership(owner.organizationId, a.id))?.role_ids).toEqual(['viewer']);
  });

  it('are listed a page at a time, by user id, with a link to the next page', async () => {
    const owner = await signedIn(['owner']);
    const id = await newRole(owner.token, 'pharmacist');
    const people = [await member(owner.organizationId), await member(owner.organizationId), await member(owner.organizationId)];
    for (const person of people) expect((await assign(owner.token, id, { 'user-id': person.id })).status).toBe(201);

    const first = await manage('GET', `/v1/role-users/?role-id=${id}&page[limit]=2`, { token: owner.token });
    const second = await manage('GET', first.body.links.next, { token: owner.token });
    const viewers = await manage('GET', '/v1/role-users/?role-id=viewer', { token: owner.token });

    expect(first.body.data.map((holder: any) => holder.attributes['user-id'])).toEqual(people.slice(0, 2).map((person) => person.id));
    expect(first.body.meta.page).toEqual({ limit: 2, offset: 0, total: 3 });
    expect(second.body.data.map((holder: any) => holder.attributes['user-id'])).toEqual([people[2]!.id]);
    expect(second.body.links).toEqual({});
    expect(viewers.body.data.map((holder: any) => holder.attributes['user-id'])).toEqual(people.map((person) => person.id));
  });

  it('of racing assignments of one role to one user, exactly one lands', async () => {
    const owner = await signedIn(['owner']);
    const id = await newRole(owner.token, 'pharmacist');
    const someone = await member(owner.organizationId);

    const answers = await Promise.all(Array.from({ length: 8 }, (_, n) => assign(owner.token, id, n % 2 ? { email: someone.email } : { 'user-id': someone.id })));

    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    expect((await getMembership(owner.organizationId, someone.id))?.role_ids).toEqual(['viewer', id]);
    expect((await manage('GET', `/v1/roles/${id}/`, { token: owner.token })).body.data.attributes['user-count']).toBe(1);
  });

  it("stops a role's deletion while anyone holds it", async () => {
    const owner = await signedIn(['owner']);
    const id = await newRole(owner.token, 'pharmacist');
    const someone = await member(owner.organizationId);
    await assign(owner.token, id, { 'user-id': someone.id });

    const held = await manage('DELETE', `/v1/roles/${id}/`, { token: owner.token });
    await remove(owner.token, id, { 'user-id': someone.id });
    const unheld = await manage('DELETE', `/v1/roles/${id}/`, { token: owner.token });
    const assignDeleted = await assign(owner.token, id, { 'user-id': someone.id });

    expect([held.status, held.body.errors[0].code]).toEqual([409, 'invalid_state']);
    expect(held.body.errors[0].detail).toMatch(/1 person holds this role/);
    expect(unheld.status).toBe(204);
    expect(assignDeleted.status).toBe(404);
  });
});

describe('permissions of roles', () => {
  it("apply on the holder's next call: a custom role allowing organization.write, given, changed and taken away", async () => {
    const owner = await signedIn(['owner']);
    const editorRole = await newRole(owner.token, 'org-editor', ['organization.read', 'organization.write']);
    const editor = await colleague(owner, [editorRole]);
    const path = `/v1/organizations/${owner.organizationId}/`;
    const rename = (name: string) => manage('PATCH', path, { token: editor.token, body: { data: { type: 'organizations', attributes: { 'display-name': name } } } });

    const allowed = await rename('Renamed by the editor');
    const narrowed = await manage('PATCH', `/v1/roles/${editorRole}/`, { token: owner.token, body: { data: { type: 'roles', attributes: { permissions: ['organization.read'] } } } });
    const afterNarrowing = await rename('Not again');
    const widened = await manage('PATCH', `/v1/roles/${editorRole}/`, {
      token: owner.token,
      body: { data: { type: 'roles', attributes: { permissions: ['organization.read', 'organization.write'] } } },
    });
    const afterWidening = await rename('Again');
    await remove(owner.token, editorRole, { 'user-id': editor.userId });
    const afterRemoval = await rename('Once more');
    const readAfterRemoval = await manage('GET', path, { token: editor.token });
    await assign(owner.token, editorRole, { email: editor.email });
    const afterReassign = await rename('Back');

    expect(allowed.status).toBe(200);
    expect(narrowed.status).toBe(200);
    expect([afterNarrowing.status, afterNarrowing.body.errors[0].code]).toEqual([403, 'forbidden']);
    expect(widened.status).toBe(200);
    expect(afterWidening.status).toBe(200);
    expect([afterRemoval.status, afterRemoval.body.errors[0].code]).toEqual([403, 'forbidden']);
    expect(readAfterRemoval.status).toBe(403);
    expect(afterReassign.status).toBe(200);
  });

  it('keep an active owner: the last one cannot lose the role, and an inactive owner does not count', async () => {
    const owner = await signedIn(['owner']);
    const dormant = await member(owner.organizationId, ['viewer'], 'inactive');
    const other = await member(owner.organizationId);

    const alone = await remove(owner.token, 'owner', { 'user-id': owner.userId });
    const toDormant = await assign(owner.token, 'owner', { 'user-id': dormant.id });
    const stillAlone = await remove(owner.token, 'owner', { email: owner.email });
    const toOther = await assign(owner.token, 'owner', { 'user-id': other.id });
    const nowFine = await remove(owner.token, 'owner', { 'user-id': owner.userId });
    const otherAlone = await remove(owner.token, 'owner', { 'user-id': other.id });

    expect([alone.status, alone.body.errors[0].code]).toEqual([409, 'last_owner']);
    expect(toDormant.status).toBe(201);
    expect([stillAlone.status, stillAlone.body.errors[0].code]).toEqual([409, 'last_owner']);
    expect(toOther.status).toBe(201);
    expect(nowFine.status).toBe(204);
    // The caller gave up owner and with it roles.manage: the next call is refused before the rule is reached.
    expect([otherAlone.status, otherAlone.body.errors[0].code]).toEqual([403, 'forbidden']);
    expect((await getMembership(owner.organizationId, owner.userId))?.role_ids).toEqual([]);
    expect((await getMembership(owner.organizationId, other.id))?.role_ids).toEqual(['viewer', 'owner']);
    expect((await getMembership(owner.organizationId, dormant.id))?.role_ids).toEqual(['viewer', 'owner']);
  });
});

describe('the management API', () => {
  /** Every session route that needs a permission the role lacks, called with fake ids and no body. */
  async function refusalsOf(role: 'viewer' | 'developer') {
    const person = await signedIn([role]);
    const may = new Set<string>(BUILT_IN_ROLES[role].permissions);
    const routes = identityRouteList.filter(
      (route) => route.auth === 'session' && route.permission !== undefined && route.permission !== 'self' && !may.has(route.permission),
    );
    const answers = await Promise.all(
      routes.map(async (route) => {
        const path = route.path.replace(/\{[^}]+\}/g, 'fake_0000000000000000000000000000');
        const answer = await manage(route.method, path, { token: person.token });
        return `${route.method} ${route.path}: ${answer.status} ${answer.body?.errors?.[0]?.code}`;
      }),
    );
    return { routes, answers };
  }

  it('refuses a viewer with 403 forbidden on every route that needs a permission a viewer lacks, before reading its input', async () => {
    const { routes, answers } = await refusalsOf('viewer');

    expect(routes.map((route) => route.operationId)).toEqual(
      expect.arrayContaining(['updateOrganization', 'createRole', 'updateRole', 'deleteRole', 'removeRoleUser', 'assignRoleUser']),
    );
    expect(answers).toEqual(routes.map((route) => `${route.method} ${route.path}: 403 forbidden`));
  });

  it('refuses a developer likewise on the people, roles, settings and audit routes, and nowhere else', async () => {
    const { routes, answers } = await refusalsOf('developer');

    expect(routes.map((route) => route.operationId)).toEqual(
      expect.arrayContaining(['updateOrganization', 'createRole', 'createInvitation', 'transitionUserState', 'listAuditEvents']),
    );
    expect(routes.map((route) => route.permission).filter((permission) => !['organization.write', 'users.manage', 'roles.manage', 'sessions.manage', 'audit.read'].includes(permission!))).toEqual([]);
    expect(answers).toEqual(routes.map((route) => `${route.method} ${route.path}: 403 forbidden`));
  });
});
