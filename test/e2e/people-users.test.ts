import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileKeys } from '#shared/api/files/keys';
import { listAudit } from '#shared/identity/audit/audit';
import { loginKeys } from '#shared/identity/logins/keys';
import { hashPassword } from '#shared/identity/passwords/hash';
import { roleKeys } from '#shared/identity/roles/keys';
import type { State } from '#shared/identity/users/lifecycle';
import { createMembership, getMembership, type MembershipItem } from '#shared/identity/users/membership';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';
import { newId } from '#shared/platform/ids';
import { logIn, manage, newPerson } from '#test/support/management';

/**
 * The users resource of the management API: listing (each filter, sort, text, select, query,
 * paging), getting by id and `ref:`, the bulk lookups, and editing (who may change what, each
 * attribute's rule, the external-ref's uniqueness). People are arranged with createMembership,
 * as the invitation and lifecycle routes make them.
 */

interface Arranged {
  firstName: string;
  lastName?: string;
  roles?: string[];
  state?: `${State}:${string}`;
  ref?: string;
  profile?: Record<string, unknown>;
}

async function arrange(organizationId: string, person: Arranged, login?: { password: string }): Promise<MembershipItem> {
  const [state, subState] = (person.state ?? 'active:available').split(':') as [State, string];
  const email = `${person.firstName.toLowerCase()}.${crypto.randomUUID().slice(0, 8)}@People.Test`;
  const loginId = login ? newId('login') : undefined;
  const passwordHash = login ? await hashPassword(login.password) : undefined;
  return createMembership(
    {
      organizationId,
      email,
      firstName: person.firstName,
      lastName: person.lastName,
      externalRef: person.ref,
      roleIds: person.roles ?? ['viewer'],
      state: { state, subState },
      registrationInvite: 'none',
      loginId,
      profile: person.profile,
    },
    {
      extra: (user) =>
        login
          ? [
              {
                Put: {
                  TableName: tableName(),
                  Item: {
                    ...loginKeys.byEmail(user.email),
                    entity: 'login',
                    login_id: loginId,
                    email: user.email,
                    password_hash: passwordHash,
                    organization_id: organizationId,
                    user_id: user.id,
                    created_at: user.created_at,
                    password_updated_at: user.created_at,
                  },
                },
              },
            ]
          : [],
    },
  );
}

/** A person of the organization who can sign in, with these roles: their token. */
async function signedIn(organizationId: string, roles: string[], firstName = 'Sam') {
  const password = `Pw-${crypto.randomUUID()}`;
  const user = await arrange(organizationId, { firstName, lastName: 'Signed', roles }, { password });
  const { 'access-token': token } = await logIn(user.email, password);
  return { user, token };
}

async function customRole(organizationId: string, name: string): Promise<string> {
  const id = newId('role');
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...roleKeys.role(organizationId, id), entity: 'role', id, name, display_name: name, permissions: [], holder_count: 0 },
    }),
  );
  return id;
}

const patchBody = (attributes: Record<string, unknown>, id?: string) => ({ data: { type: 'users', ...(id && { id }), attributes } });
const ids = (answer: { body: { data: { id: string }[] } }) => answer.body.data.map((user) => user.id);
const pointers = (answer: { body: { errors: { source?: { pointer?: string } }[] } }) => answer.body.errors.map((error) => error.source?.pointer);
const parameters = (answer: { body: { errors: { source?: { parameter?: string } }[] } }) =>
  answer.body.errors.map((error) => error.source?.parameter);

/** Every page of a list, following `links.next`. */
async function allPages(token: string, path: string): Promise<{ ids: string[]; pages: number }> {
  const seen: string[] = [];
  let next: string | undefined = path;
  let pages = 0;
  while (next) {
    const answer: { status: number; text: string; body: any } = await manage('GET', next, { token });
    expect(answer.status, answer.text).toBe(200);
    seen.push(...ids(answer));
    next = answer.body.links.next;
    pages++;
    expect(pages).toBeLessThan(50);
  }
  return { ids: seen, pages };
}

const FIRST = ['Ana', 'bob', 'Chen', 'Dana', 'Émile', 'Farah', 'Goran', 'hana', 'Ivo', 'Jaya'];
const LAST = ['Okafor', 'smith', 'Zhang', 'Müller', 'Lovelace', 'Nakamura'];
const STATES = ['onboarding:invited', 'active:available', 'active:on-leave', 'deboarding:notice', 'inactive:deactivated'] as const;

describe('GET /v1/users/', () => {
  let org: { organizationId: string; userId: string };
  let token: string;
  let people: MembershipItem[];
  let pharmacist: string;
  const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

  beforeAll(async () => {
    const owner = await newPerson(['owner']);
    org = owner;
    ({ 'access-token': token } = await logIn(owner.email, owner.password));
    pharmacist = await customRole(owner.organizationId, 'pharmacist');
    const arranged: Promise<MembershipItem>[] = [];
    for (let i = 0; i < 30; i++) {
      arranged.push(
        arrange(owner.organizationId, {
          firstName: `${FIRST[i % FIRST.length]}${i}`,
          lastName: i % 7 === 0 ? undefined : LAST[i % LAST.length],
          roles: i % 3 === 0 ? ['viewer', pharmacist] : i % 3 === 1 ? ['developer'] : ['viewer'],
          state: STATES[i % STATES.length],
          ref: `EMP-${i}`,
        }),
      );
    }
    people = [...(await Promise.all(arranged)), (await getMembership(owner.organizationId, owner.userId))!];
  });

  const byIdDescending = (users: MembershipItem[]) => users.map((user) => user.id).sort().reverse();

  it('lists everyone newest first by default, and oldest first with sort-by=id', async () => {
    const all = await manage('GET', '/v1/users/', { token });
    const ascending = await manage('GET', '/v1/users/?sort-by=id', { token });

    expect(all.status).toBe(200);
    expect(ids(all)).toEqual(byIdDescending(people));
    expect(all.body.links).toEqual({});
    expect(all.body.meta.page).toEqual({ limit: 100, offset: 0 });
    expect(ids(ascending)).toEqual(byIdDescending(people).reverse());
    const ana = all.body.data.find((user: { id: string }) => user.id === people[0]!.id);
    expect(ana.attributes).toMatchObject({ 'first-name': 'Ana0', 'external-ref': 'EMP-0', state: 'onboarding:invited', enabled: true });
    expect(ana.attributes.roles).toEqual([
      { id: 'viewer', name: 'viewer', 'display-name': 'Viewer' },
      { id: pharmacist, name: 'pharmacist', 'display-name': 'pharmacist' },
    ]);
  });

  it('pages with links.next (a cursor in id order) and with page[offset], each user once', async () => {
    const expected = byIdDescending(people);
    const followed = await allPages(token, '/v1/users/?page[limit]=7');
    const ascending = await allPages(token, '/v1/users/?page[limit]=10&sort-by=id');
    const second = await manage('GET', '/v1/users/?page[limit]=7&page[offset]=7', { token });
    const past = await manage('GET', '/v1/users/?page[offset]=31', { token });
    const first = await manage('GET', '/v1/users/?page[limit]=7', { token });

    expect(followed).toEqual({ ids: expected, pages: 5 });
    expect(ascending.ids).toEqual([...expected].reverse());
    expect(first.body.links.next).toBe(`/v1/users/?page%5Blimit%5D=7&page%5Bafter%5D=${expected[6]}`);
    expect(ids(second)).toEqual(expected.slice(7, 14));
    expect(second.body.meta.page).toEqual({ limit: 7, offset: 7 });
    expect(past.body.data).toEqual([]);
    expect(past.body.links).toEqual({});
  });

  it('filters by state (with or without a sub-state), by role, by email, and by all of them at once', async () => {
    const active = await manage('GET', '/v1/users/?filter[state]=active', { token });
    const onLeave = await manage('GET', '/v1/users/?filter[state]=active:on-leave', { token });
    const viewers = await manage('GET', '/v1/users/?filter[role-id]=viewer', { token });
    const pharmacists = await manage('GET', `/v1/users/?filter[role-id]=${pharmacist}`, { token });
    const email = await manage('GET', `/v1/users/?filter[email]=${encodeURIComponent(people[4]!.email.toUpperCase())}`, { token });
    const activeViewers = await manage('GET', '/v1/users/?filter[state]=active&filter[role-id]=viewer', { token });
    const emailWrongState = await manage('GET', `/v1/users/?filter[email]=${people[4]!.email}&filter[state]=active`, { token });
    const noSuchRole = await manage('GET', `/v1/users/?filter[role-id]=${newId('role')}`, { token });

    const expect_ = (keep: (user: MembershipItem) => boolean) => byIdDescending(people.filter(keep));
    expect(ids(active)).toEqual(expect_((user) => user.state.startsWith('active:')));
    expect(ids(active).length).toBe(13);
    expect(ids(onLeave)).toEqual(expect_((user) => user.state === 'active:on-leave'));
    expect(ids(viewers)).toEqual(expect_((user) => user.role_ids.includes('viewer')));
    expect(ids(pharmacists)).toEqual(expect_((user) => user.role_ids.includes(pharmacist)));
    expect(ids(email)).toEqual([people[4]!.id]);
    expect(ids(activeViewers)).toEqual(expect_((user) => user.state.startsWith('active:') && user.role_ids.includes('viewer')));
    expect(ids(emailWrongState)).toEqual([]);
    expect(ids(noSuchRole)).toEqual([]);
  });

  it('pages a filtered list by cursor and by offset', async () => {
    const viewers = byIdDescending(people.filter((user) => user.role_ids.includes('viewer')));
    const active = byIdDescending(people.filter((user) => user.state.startsWith('active:')));
    const activeViewers = byIdDescending(people.filter((user) => user.state.startsWith('active:') && user.role_ids.includes('viewer')));

    expect((await allPages(token, '/v1/users/?filter[role-id]=viewer&page[limit]=4')).ids).toEqual(viewers);
    expect((await allPages(token, '/v1/users/?filter[state]=active&page[limit]=4')).ids).toEqual(active);
    expect((await allPages(token, '/v1/users/?filter[state]=active&filter[role-id]=viewer&page[limit]=2')).ids).toEqual(activeViewers);
    expect(ids(await manage('GET', '/v1/users/?filter[role-id]=viewer&page[limit]=3&page[offset]=5', { token }))).toEqual(viewers.slice(5, 8));
    expect(ids(await manage('GET', '/v1/users/?filter[state]=active&page[limit]=3&page[offset]=4', { token }))).toEqual(active.slice(4, 7));
  });

  it('finds text in any name or the email, whatever its case', async () => {
    const smith = await manage('GET', '/v1/users/?text=SMI', { token });
    const chen = await manage('GET', '/v1/users/?text=chen2', { token });
    const domain = await manage('GET', '/v1/users/?text=people.test', { token });
    const activeDomain = await manage('GET', '/v1/users/?text=PEOPLE.test&filter[state]=active&page[limit]=5', { token });

    expect(ids(smith)).toEqual(byIdDescending(people.filter((user) => user.last_name === 'smith')));
    expect(ids(smith).length).toBeGreaterThan(1);
    expect(ids(chen)).toEqual(byIdDescending(people.filter((user) => user.first_name.startsWith('Chen2'))));
    expect(ids(domain).length).toBe(30);
    const activeArranged = byIdDescending(people.filter((user) => user.email.endsWith('people.test') && user.state.startsWith('active:')));
    expect(activeArranged.length).toBe(12);
    expect(ids(activeDomain)).toEqual(activeArranged.slice(0, 5));
    expect((await allPages(token, '/v1/users/?text=people.test&filter[state]=active&page[limit]=5')).ids).toEqual(activeArranged);
  });

  it('sorts by first name, last name and email, both ways, paging by offset with a total', async () => {
    for (const [key, field] of [
      ['first-name', 'first_name'],
      ['last-name', 'last_name'],
      ['email', 'email'],
    ] as const) {
      const ascending = [...people]
        .sort((a, b) => collator.compare(a[field] ?? '', b[field] ?? '') || (a.id < b.id ? -1 : 1))
        .map((user) => user.id);
      const up = await manage('GET', `/v1/users/?sort-by=${key}`, { token });
      const down = await manage('GET', `/v1/users/?sort-by=-${key}`, { token });
      expect(ids(up), key).toEqual(ascending);
      expect(ids(down), key).toEqual([...ascending].reverse());
      expect(up.body.meta.page.total).toBe(31);
      expect((await allPages(token, `/v1/users/?sort-by=-${key}&page[limit]=8`)).ids).toEqual([...ascending].reverse());
    }
    const page = await manage('GET', '/v1/users/?sort-by=first-name&page[limit]=8&page[offset]=8', { token });
    expect(page.body.links.next).toBe('/v1/users/?sort-by=first-name&page%5Blimit%5D=8&page%5Boffset%5D=16');
  });

  it('answers only the attributes select names, and id always', async () => {
    const selected = await manage('GET', '/v1/users/?select=email,state&filter[role-id]=developer', { token });
    const onlyId = await manage('GET', '/v1/users/?select=id&page[limit]=2', { token });
    const unknown = await manage('GET', '/v1/users/?select=email,password,favourite-colour', { token });

    expect(selected.status).toBe(200);
    for (const user of selected.body.data) expect(Object.keys(user.attributes).sort()).toEqual(['email', 'state']);
    expect(onlyId.body.data.every((user: { id: string; attributes: object }) => user.id && Object.keys(user.attributes).length === 0)).toBe(true);
    expect(onlyId.body.links.next).toContain('select=id');
    expect(unknown.status).toBe(400);
    expect(parameters(unknown)).toEqual(['select']);
    expect(unknown.body.errors[0].detail).toContain('password, favourite-colour');
  });

  it('keeps the users a query matches, with the filters, the sorts and both kinds of paging', async () => {
    const q = (query: unknown, rest = '') => `/v1/users/?query=${encodeURIComponent(JSON.stringify(query))}${rest}`;
    const where = (keep: (user: MembershipItem) => boolean) => byIdDescending(people.filter(keep));
    const pharmacists = (user: MembershipItem) => user.role_ids.includes(pharmacist);
    const smiths = (user: MembershipItem) => user.last_name === 'smith';
    const ref = (user: MembershipItem) => Number(/^EMP-(\d+)$/.exec(user.external_ref ?? '')?.[1] ?? -1);

    const active = await manage('GET', q({ prefix: { state: 'active:' } }), { token });
    const both = await manage('GET', q([{ term: { 'roles.name': 'pharmacist' } }, { exists: { field: 'last-name' } }]), { token });
    const pattern = await manage('GET', q({ regexp: { 'external-ref': 'EMP-[12][0-9]' } }), { token });
    const fuzzy = await manage('GET', q({ fuzzy: { 'last-name': 'smiht' } }), { token });
    const terms = await manage('GET', q({ terms: { state: ['deboarding:notice', 'inactive:deactivated'] } }, '&filter[role-id]=viewer'), { token });
    const bad = await manage('GET', q({ range: { 'date-created': {} } }), { token });
    const notJson = await manage('GET', '/v1/users/?query=%7Bnope', { token });

    expect(ids(active)).toEqual(where((user) => user.state.startsWith('active:')));
    expect(ids(both)).toEqual(where((user) => pharmacists(user) && user.last_name !== undefined));
    expect(ids(pattern)).toEqual(where((user) => ref(user) >= 10 && ref(user) <= 29));
    expect(ids(pattern).length).toBe(20);
    expect(ids(fuzzy)).toEqual(where(smiths));
    expect(ids(terms)).toEqual(where((user) => ['deboarding', 'inactive'].includes(user.state.split(':')[0]!) && user.role_ids.includes('viewer')));
    for (const refused of [bad, notJson]) {
      expect(refused.status).toBe(400);
      expect(parameters(refused)).toEqual(['query']);
    }

    const patterned = where((user) => ref(user) >= 10 && ref(user) <= 29);
    expect((await allPages(token, q({ regexp: { 'external-ref': 'EMP-[12][0-9]' } }, '&page[limit]=6'))).ids).toEqual(patterned);
    expect(ids(await manage('GET', q({ regexp: { 'external-ref': 'EMP-[12][0-9]' } }, '&page[limit]=6&page[offset]=6'), { token }))).toEqual(patterned.slice(6, 12));
    const byName = [...people.filter((user) => ref(user) >= 10 && ref(user) <= 29)]
      .sort((a, b) => collator.compare(a.first_name, b.first_name) || (a.id < b.id ? -1 : 1))
      .map((user) => user.id);
    const sorted = await allPages(token, q({ regexp: { 'external-ref': 'EMP-[12][0-9]' } }, '&sort-by=first-name&page[limit]=7'));
    expect(sorted).toEqual({ ids: byName, pages: 3 });
    const activePharmacists = await allPages(token, q({ term: { 'roles.name': 'pharmacist' } }, '&filter[state]=active&select=roles&page[limit]=2'));
    expect(activePharmacists.ids).toEqual(where((user) => pharmacists(user) && user.state.startsWith('active:')));
  });

  it('refuses malformed filters and paging, each naming its parameter', async () => {
    const cases: [string, string][] = [
      ['filter[state]=retired', 'filter[state]'],
      ['filter[state]=active:On Leave', 'filter[state]'],
      ['filter[role-id]=superuser', 'filter[role-id]'],
      ['sort-by=age', 'sort-by'],
      ['page[limit]=0', 'page[limit]'],
      ['page[limit]=1001', 'page[limit]'],
      ['page[after]=nope', 'page[after]'],
      [`sort-by=email&page[after]=${people[0]!.id}`, 'page[after]'],
      [`page[offset]=3&page[after]=${people[0]!.id}`, 'page[after]'],
      ['filter[name]=x', 'filter[name]'],
      [`text=${'x'.repeat(256)}`, 'text'],
    ];
    for (const [query, parameter] of cases) {
      const answer = await manage('GET', `/v1/users/?${query.replace(/ /g, '%20')}`, { token });
      expect(answer.status, query).toBe(400);
      expect(parameters(answer), query).toEqual([parameter]);
    }
  });

  it('lets a viewer list and get, and shows nobody of another organization', async () => {
    const viewer = await signedIn(org.organizationId, ['viewer'], 'Vera');
    const other = await newPerson(['owner']);
    const stranger = await arrange(other.organizationId, { firstName: 'Stranger', ref: 'EMP-1' });

    const list = await manage('GET', '/v1/users/?text=stranger', { token: viewer.token });
    const byEmail = await manage('GET', `/v1/users/?filter[email]=${stranger.email}`, { token: viewer.token });
    const one = await manage('GET', `/v1/users/${people[1]!.id}/`, { token: viewer.token });

    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([]);
    expect(byEmail.body.data).toEqual([]);
    expect(one.status).toBe(200);
  });
});

describe('GET /v1/users/{id}/', () => {
  it('finds a person by id or by ref:, and answers 404 for unknown, malformed and foreign ones', async () => {
    const owner = await newPerson(['owner']);
    const { 'access-token': token } = await logIn(owner.email, owner.password);
    const ada = await arrange(owner.organizationId, { firstName: 'Ada', lastName: 'Lovelace', ref: 'EMP-7:b@x.y' });
    const other = await newPerson(['owner']);
    const stranger = await arrange(other.organizationId, { firstName: 'Stranger', ref: 'FOREIGN-1' });

    const byId = await manage('GET', `/v1/users/${ada.id}/`, { token });
    const byRef = await manage('GET', '/v1/users/ref:EMP-7:b@x.y/', { token });
    const byEncodedRef = await manage('GET', `/v1/users/${encodeURIComponent('ref:EMP-7:b@x.y')}/`, { token });

    expect(byId.status).toBe(200);
    expect(byId.body.data).toMatchObject({
      type: 'users',
      id: ada.id,
      attributes: { 'first-name': 'Ada', 'last-name': 'Lovelace', 'external-ref': 'EMP-7:b@x.y', 'organization-id': owner.organizationId },
    });
    expect(byRef.body).toEqual(byId.body);
    expect(byEncodedRef.body).toEqual(byId.body);
    for (const id of [newId('user'), 'usr_nope', 'ref:NOPE', 'ref:', stranger.id, 'ref:FOREIGN-1', owner.userId.toUpperCase()]) {
      const answer = await manage('GET', `/v1/users/${encodeURIComponent(id)}/`, { token });
      expect(answer.status, id).toBe(404);
      expect(answer.body.errors[0].code).toBe('resource_not_found');
    }
  });
});

describe('bulk lookups', () => {
  it('answer the emails and mobiles of up to 10 people named by id or ref:, ignoring unknown ones, refusing 11', async () => {
    const owner = await newPerson(['owner']);
    const { 'access-token': token } = await logIn(owner.email, owner.password);
    const people = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        arrange(owner.organizationId, {
          firstName: `Look${i}`,
          ref: i % 2 ? `LK-${i}` : undefined,
          profile: i === 1 ? { 'primary-mobile': { 'country-code': '+91', number: '9876543210' } } : undefined,
        }),
      ),
    );
    const other = await newPerson(['owner']);
    const named = [
      people[0]!.id,
      'ref:LK-1',
      people[2]!.id,
      'ref:LK-3',
      people[4]!.id,
      newId('user'),
      'garbage',
      'ref:NOPE',
      other.userId,
      people[1]!.id,
    ];

    const emails = await manage('GET', `/v1/user-emails/?ids=${named.join(',')}`, { token });
    const mobiles = await manage('GET', `/v1/user-mobiles/?ids=${named.join(',')}`, { token });
    const eleven = await manage('GET', `/v1/user-emails/?ids=${[...named, people[5]!.id].join(',')}`, { token });
    const elevenMobiles = await manage('GET', `/v1/user-mobiles/?ids=${[...named, people[5]!.id].join(',')}`, { token });
    const none = await manage('GET', '/v1/user-emails/', { token });

    expect(emails.status).toBe(200);
    expect(emails.body.meta).toEqual({ 'total-elements': 5 });
    expect(emails.body.data).toEqual(
      [0, 1, 2, 3, 4].map((i) => ({ type: 'user-emails', id: people[i]!.id, attributes: { email: people[i]!.email, 'unique-code': i % 2 ? `LK-${i}` : null } })),
    );
    expect(mobiles.body.meta).toEqual({ 'total-elements': 5 });
    expect(mobiles.body.data[1]).toEqual({
      type: 'user-mobiles',
      id: people[1]!.id,
      attributes: { 'primary-mobile': { 'country-code': '+91', number: '9876543210' }, 'secondary-mobile': null, 'unique-code': 'LK-1' },
    });
    expect(mobiles.body.data[0].attributes['primary-mobile']).toBeNull();
    for (const refused of [eleven, elevenMobiles]) {
      expect(refused.status).toBe(400);
      expect(parameters(refused)).toEqual(['ids']);
    }
    expect(none.status).toBe(400);
    expect(none.body.errors[0].code).toBe('parameter_missing');
  });
});

describe('PATCH /v1/users/{id}/', () => {
  it('lets an admin change every kind of attribute, keeping the public projection, the version and the audit trail in step', async () => {
    const owner = await newPerson(['owner']);
    const admin = await signedIn(owner.organizationId, ['admin'], 'Adam');
    const person = await arrange(owner.organizationId, { firstName: 'Noor', lastName: 'Haddad', ref: 'N-1' });
    const manager = await arrange(owner.organizationId, { firstName: 'Mina' });
    const fileId = newId('file');
    await db().send(
      new PutCommand({ TableName: tableName(), Item: { ...fileKeys.key({ organizationId: owner.organizationId, mode: 'live' }, fileId), entity: 'file', id: fileId } }),
    );
    const attributes = {
      'first-name': '  Nour ',
      'middle-name': 'Al',
      'last-name': 'Hadad',
      phone: '+14155550100',
      locale: 'EN-gb',
      'external-ref': 'N-2',
      designation: 'Pharmacist',
      category: 'adhoc',
      'employment-type': 'part-time',
      'primary-mobile': { 'country-code': '91', number: '9876543210' },
      'secondary-mobile': { 'country-code': '+1', number: '5550100' },
      'work-locations': ['facility:north', 'facility:south'],
      manager: manager.id,
      identification: 'pan-card',
      'sub-function': 'Dispensary',
      'file-id': fileId,
      attributes: { shift: 'night', constructor: 'plain text', toString: 'also text' },
    };

    const changed = await manage('PATCH', `/v1/users/${person.id}/`, { token: admin.token, body: patchBody(attributes, person.id) });

    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.data.attributes).toMatchObject({
      ...attributes,
      'first-name': 'Nour',
      locale: 'en-GB',
      'primary-mobile': { 'country-code': '+91', number: '9876543210' },
      email: person.email,
      state: 'active:available',
    });
    expect((await manage('GET', `/v1/users/ref:N-2/`, { token: admin.token })).body).toEqual(changed.body);
    expect((await manage('GET', `/v1/users/ref:N-1/`, { token: admin.token })).status).toBe(404);
    const stored = (await getMembership(owner.organizationId, person.id))!;
    expect(stored).toMatchObject({ full_name: 'Nour Hadad', version: person.version + 1, updated_by: admin.user.id });
    expect(stored.updated_at > person.updated_at).toBe(true);
    expect(Object.getPrototypeOf(stored.attributes)).toBe(Object.prototype);
    const audit = await listAudit(owner.organizationId, { limit: 5 });
    const event = audit.data.find((record) => record.action === 'user.updated' && record.target?.id === person.id);
    expect(event).toMatchObject({ actor: { type: 'user', id: admin.user.id } });
    expect(String(event!.data!.attributes).split(',').sort()).toEqual(Object.keys(attributes).sort());
    expect(JSON.stringify(event)).not.toContain('9876543210');

    // Null clears; a custom attribute's null or empty value removes just that key; unchanged values change nothing.
    const cleared = await manage('PATCH', `/v1/users/${person.id}/`, {
      token: admin.token,
      body: patchBody({ 'middle-name': null, phone: null, 'external-ref': null, manager: null, 'file-id': null, 'work-locations': null, attributes: { shift: null, constructor: '' }, designation: 'Pharmacist' }),
    });
    expect(cleared.status, cleared.text).toBe(200);
    expect(cleared.body.data.attributes).toMatchObject({
      'middle-name': null,
      phone: null,
      'external-ref': null,
      manager: null,
      'file-id': null,
      'work-locations': null,
      designation: 'Pharmacist',
      attributes: { toString: 'also text' },
    });
    expect((await manage('GET', '/v1/users/ref:N-2/', { token: admin.token })).status).toBe(404);
    const same = await manage('PATCH', `/v1/users/${person.id}/`, { token: admin.token, body: patchBody({ designation: 'Pharmacist' }) });
    expect(same.status).toBe(200);
    expect((await getMembership(owner.organizationId, person.id))!.version).toBe(person.version + 2);
    const all = await manage('PATCH', `/v1/users/${person.id}/`, { token: admin.token, body: patchBody({ attributes: null }) });
    expect(all.body.data.attributes.attributes).toEqual({});
  });

  it('refuses each invalid attribute with its own error and pointer, and changes nothing', async () => {
    const owner = await newPerson(['owner']);
    const { 'access-token': token } = await logIn(owner.email, owner.password);
    const person = await arrange(owner.organizationId, { firstName: 'Ravi' });
    const other = await newPerson(['owner']);
    const foreignFile = newId('file');
    await db().send(
      new PutCommand({ TableName: tableName(), Item: { ...fileKeys.key({ organizationId: other.organizationId, mode: 'test' }, foreignFile), entity: 'file' } }),
    );
    const path = `/v1/users/${person.id}/`;

    const many = await manage('PATCH', path, {
      token,
      body: patchBody({
        'first-name': '',
        'last-name': 'x'.repeat(101),
        phone: '0044 20 7946 0000',
        locale: 'not a locale!',
        'external-ref': 'has space',
        category: 'permanent',
        'employment-type': 'full time',
        'primary-mobile': { 'country-code': '+91', number: '123' },
        'secondary-mobile': { 'country-code': '+91', number: '12345678901', extra: 1 },
        'work-locations': Array.from({ length: 21 }, (_, i) => `loc-${i}`),
        manager: 'bob',
        identification: 'library card',
        'sub-function': 42,
        'file-id': 'picture.png',
        attributes: { ok: 'x'.repeat(501) },
        email: 'new@people.test',
        state: 'inactive',
        roles: ['owner'],
        enabled: false,
        'date-created': '2020-01-01',
      }),
    });
    expect(many.status).toBe(400);
    expect(new Set(pointers(many))).toEqual(
      new Set([
        '/data/attributes/first-name',
        '/data/attributes/last-name',
        '/data/attributes/phone',
        '/data/attributes/locale',
        '/data/attributes/external-ref',
        '/data/attributes/category',
        '/data/attributes/employment-type',
        '/data/attributes/primary-mobile/number',
        '/data/attributes/secondary-mobile/number',
        '/data/attributes/secondary-mobile/extra',
        '/data/attributes/work-locations',
        '/data/attributes/manager',
        '/data/attributes/identification',
        '/data/attributes/sub-function',
        '/data/attributes/file-id',
        '/data/attributes/attributes/ok',
        '/data/attributes/email',
        '/data/attributes/state',
        '/data/attributes/roles',
        '/data/attributes/enabled',
        '/data/attributes/date-created',
      ]),
    );
    const detail = (name: string) => many.body.errors.find((error: { source?: { pointer?: string } }) => error.source?.pointer === `/data/attributes/${name}`)?.detail;
    expect(detail('state')).toContain('/state-transitions/');
    expect(detail('roles')).toContain('/v1/role-users/');

    const semantic: [Record<string, unknown>, string, string][] = [
      [{ manager: person.id }, 'manager', 'another user'],
      [{ manager: newId('user') }, 'manager', 'no user'],
      [{ manager: other.userId }, 'manager', 'no user'],
      [{ 'file-id': newId('file') }, 'file-id', 'no file'],
      [{ 'file-id': foreignFile }, 'file-id', 'no file'],
      [{ attributes: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }, 'attributes', 'at most 50 keys'],
      [{ attributes: { ['k'.repeat(51)]: 'v' } }, 'attributes', 'at most 50 characters'],
      [{ attributes: { '': 'v' } }, 'attributes', 'empty'],
      [{ attributes: { '  ': 'v' } }, 'attributes', 'empty'],
      [{ attributes: { nested: { deep: 'v' } } }, 'attributes/nested', 'string'],
      [{ attributes: ['a'] }, 'attributes', 'object'],
      [{ 'first-name': null }, 'first-name', ''],
    ];
    for (const [attributes, name, words] of semantic) {
      const answer = await manage('PATCH', path, { token, body: patchBody(attributes) });
      expect(answer.status, JSON.stringify(attributes).slice(0, 80)).toBe(400);
      expect(pointers(answer)).toEqual([`/data/attributes/${name}`]);
      expect(answer.body.errors[0].detail).toContain(words);
    }
    const wrongId = await manage('PATCH', path, { token, body: patchBody({ designation: 'x' }, owner.userId) });
    expect(pointers(wrongId)).toEqual(['/data/id']);
    expect((await getMembership(owner.organizationId, person.id))!.version).toBe(person.version);
  });

  it('refuses hostile bodies with a 4xx and stores nothing of them', async () => {
    const owner = await newPerson(['owner']);
    const { 'access-token': token } = await logIn(owner.email, owner.password);
    const person = await arrange(owner.organizationId, { firstName: 'Hostile' });
    const path = `/v1/users/${person.id}/`;
    const send = (rawBody: string) => manage('PATCH', path, { token, rawBody });

    const proto = await send('{"data":{"type":"users","attributes":{"attributes":{"__proto__":{"polluted":"yes"}}}}}');
    const protoTop = await send('{"data":{"type":"users","attributes":{"__proto__":{"designation":"x"}}}}');
    const deep = await send(`{"data":{"type":"users","attributes":{"attributes":{"a":${'['.repeat(5000)}${']'.repeat(5000)}}}}}`);
    const huge = await manage('PATCH', path, { token, body: patchBody({ designation: 'x'.repeat(200_000) }) });
    const many = await manage('PATCH', path, { token, body: patchBody({ attributes: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, 'v'.repeat(500)])) }) });
    const notJson = await send('{"data":');
    const wrongType = await send('{"data":{"type":"organizations","attributes":{}}}');

    for (const answer of [proto, protoTop, deep, huge, many, notJson, wrongType]) {
      expect(answer.status, answer.text.slice(0, 200)).toBeGreaterThanOrEqual(400);
      expect(answer.status, answer.text.slice(0, 200)).toBeLessThan(500);
    }
    expect((await getMembership(owner.organizationId, person.id))!.version).toBe(person.version);
  });

  it('lets a person without users.manage change only their own names, phone and locale', async () => {
    const owner = await newPerson(['owner']);
    const viewer = await signedIn(owner.organizationId, ['viewer'], 'Vic');
    const developer = await signedIn(owner.organizationId, ['developer'], 'Dev');
    const colleague = await arrange(owner.organizationId, { firstName: 'Colleague' });

    const own = await manage('PATCH', `/v1/users/${viewer.user.id}/`, {
      token: viewer.token,
      body: patchBody({ 'first-name': 'Victoria', 'middle-name': 'M', 'last-name': 'Stone', phone: '+442079460000', locale: 'fr-ca' }),
    });
    const ownDesignation = await manage('PATCH', `/v1/users/${viewer.user.id}/`, { token: viewer.token, body: patchBody({ 'first-name': 'V', designation: 'Boss' }) });
    const ownRef = await manage('PATCH', `/v1/users/${developer.user.id}/`, { token: developer.token, body: patchBody({ 'external-ref': 'ME' }) });
    const someoneElse = await manage('PATCH', `/v1/users/${colleague.id}/`, { token: viewer.token, body: patchBody({ 'first-name': 'Hacked' }) });
    const theOwner = await manage('PATCH', `/v1/users/${owner.userId}/`, { token: developer.token, body: patchBody({ phone: '+15550100000' }) });
    const adminEditsOwner = await manage('PATCH', `/v1/users/${owner.userId}/`, {
      token: (await signedIn(owner.organizationId, ['admin'], 'Ad')).token,
      body: patchBody({ designation: 'Founder' }),
    });

    expect(own.status, own.text).toBe(200);
    expect(own.body.data.attributes).toMatchObject({ 'first-name': 'Victoria', 'middle-name': 'M', 'last-name': 'Stone', locale: 'fr-CA' });
    for (const refused of [ownDesignation, ownRef, someoneElse, theOwner]) {
      expect(refused.status).toBe(403);
      expect(refused.body.errors[0].code).toBe('forbidden');
    }
    expect(ownDesignation.body.errors[0].detail).toContain('designation');
    expect((await getMembership(owner.organizationId, colleague.id))!.first_name).toBe('Colleague');
    expect(adminEditsOwner.status).toBe(200);
  });

  it('keeps external-ref unique in the organization: a taken ref is 409, and of two racing claims exactly one wins', async () => {
    const owner = await newPerson(['owner']);
    const { 'access-token': token } = await logIn(owner.email, owner.password);
    const [a, b, c] = await Promise.all(['Ari', 'Bea', 'Cai'].map((firstName) => arrange(owner.organizationId, { firstName })));
    const other = await newPerson(['owner']);
    await arrange(other.organizationId, { firstName: 'Elsewhere', ref: 'SHARED' });
    const claim = (user: MembershipItem, ref: string | null) =>
      manage('PATCH', `/v1/users/${user.id}/`, { token, body: patchBody({ 'external-ref': ref }) });

    expect((await claim(a!, 'SHARED')).status).toBe(200);
    const taken = await claim(b!, 'SHARED');
    expect(taken.status).toBe(409);
    expect(taken.body.errors[0]).toMatchObject({ code: 'resource_already_exists', source: { pointer: '/data/attributes/external-ref' } });
    expect((await claim(a!, 'MOVED')).status).toBe(200);
    expect((await claim(b!, 'SHARED')).status).toBe(200);
    expect((await manage('GET', '/v1/users/ref:SHARED/', { token })).body.data.id).toBe(b!.id);
    expect((await manage('GET', '/v1/users/ref:MOVED/', { token })).body.data.id).toBe(a!.id);

    const race = await Promise.all([claim(a!, 'RACE'), claim(c!, 'RACE')]);
    expect(race.map((answer) => answer.status).sort()).toEqual([200, 409]);
    const winner = race[0]!.status === 200 ? a! : c!;
    expect((await manage('GET', '/v1/users/ref:RACE/', { token })).body.data.id).toBe(winner.id);

    const sameUser = await Promise.all(['ONE', 'TWO', 'THREE'].map((ref) => claim(b!, ref)));
    const won = sameUser.filter((answer) => answer.status === 200);
    expect(won.length).toBeGreaterThanOrEqual(1);
    expect(sameUser.every((answer) => answer.status === 200 || answer.status === 409)).toBe(true);
    const stored = (await getMembership(owner.organizationId, b!.id))!;
    const live = await Promise.all(['ONE', 'TWO', 'THREE', 'SHARED'].map((ref) => manage('GET', `/v1/users/ref:${ref}/`, { token })));
    expect(live.filter((answer) => answer.status === 200).map((answer) => answer.body.data.id)).toEqual([b!.id]);
    expect(stored.version).toBe(b!.version + 1 + won.length);
  });

  it("answers another organization's user as 404 on PATCH, whatever the caller's role", async () => {
    const owner = await newPerson(['owner']);
    const { 'access-token': token } = await logIn(owner.email, owner.password);
    const other = await newPerson(['owner']);
    const stranger = await arrange(other.organizationId, { firstName: 'Stranger', ref: 'X-1' });

    for (const id of [stranger.id, 'ref:X-1', other.userId, newId('user'), 'nonsense']) {
      const answer = await manage('PATCH', `/v1/users/${id}/`, { token, body: patchBody({ designation: 'Spy' }) });
      expect(answer.status, id).toBe(404);
      expect(answer.body.errors[0].code).toBe('resource_not_found');
    }
    expect((await getMembership(other.organizationId, stranger.id))!.version).toBe(stranger.version);
  });
});
