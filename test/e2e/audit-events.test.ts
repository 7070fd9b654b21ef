import { beforeAll, describe, expect, it } from 'vitest';
import { writeAudit } from '#shared/identity/audit/audit';
import type { ApiResponse } from '#test/support/api';
import { logIn, manage, newPerson } from '#test/support/management';

/**
 * `GET /v1/audit-events/`: an organization's audit trail, for owners and admins. The events are
 * the real ones its sign-ins record, and a few more of other actions and actors written with
 * the audit module itself, as the routes that own those actions write them.
 */
describe('audit events', () => {
  let owner: Awaited<ReturnType<typeof newPerson>>;
  let token: string;
  const otherActor = `usr_${'A'.repeat(27)}`;
  let started: number;

  beforeAll(async () => {
    // Prepare: an owner who signs in (login.succeeded), and events of another person and of the platform.
    owner = await newPerson(['owner']);
    started = Date.now() - 1_000;
    token = (await logIn(owner.email, owner.password))['access-token'];
    const organizationId = owner.organizationId;
    await writeAudit({ organizationId, action: 'role.created', actor: { type: 'user', id: otherActor }, target: { type: 'role', id: 'role_x' }, data: { name: 'pharmacist' } });
    await writeAudit({ organizationId, action: 'role.assigned', actor: { type: 'user', id: otherActor }, target: { type: 'user', id: owner.userId } });
    await writeAudit({ organizationId, action: 'organization.suspended', actor: { type: 'platform' }, data: { reason: 'test' } });
  });

  const ids = (answer: ApiResponse) => answer.body.data.map((event: { id: string }) => event.id) as string[];
  const actions = (answer: ApiResponse) => answer.body.data.map((event: any) => event.attributes.action) as string[];

  it('lets an owner read the trail, newest first, with actor, target, ip, user agent and data', async () => {
    // Act
    const answer = await manage('GET', '/v1/audit-events/', { token, headers: { 'user-agent': 'audit-test' } });

    // Assess
    expect(answer.status).toBe(200);
    expect(actions(answer).slice(0, 4)).toEqual(['organization.suspended', 'role.assigned', 'role.created', 'login.succeeded']);
    const sorted = [...ids(answer)].sort().reverse();
    expect(ids(answer)).toEqual(sorted);
    const login = answer.body.data.find((event: any) => event.attributes.action === 'login.succeeded');
    expect(login).toMatchObject({
      type: 'audit-events',
      id: expect.stringMatching(/^aud_/),
      attributes: { actor: { type: 'user', id: owner.userId }, ip: expect.any(String), 'created-time': expect.any(String) },
    });
    const created = answer.body.data.find((event: any) => event.attributes.action === 'role.created');
    expect(created.attributes).toMatchObject({ actor: { type: 'user', id: otherActor }, target: { type: 'role', id: 'role_x' }, data: { name: 'pharmacist' }, ip: null });
    const suspended = answer.body.data.find((event: any) => event.attributes.action === 'organization.suspended');
    expect(suspended.attributes.actor).toEqual({ type: 'platform', id: null });
    expect(suspended.attributes.target).toBeNull();
  });

  it('filters by action (one or several), by actor and by time', async () => {
    // Act
    const roleCreated = await manage('GET', '/v1/audit-events/?filter[action]=role.created', { token });
    const two = await manage('GET', `/v1/audit-events/?filter[action]=${encodeURIComponent('role.created,login.succeeded')}`, { token });
    const byActor = await manage('GET', `/v1/audit-events/?filter[actor-id]=${otherActor}`, { token });
    const byOwner = await manage('GET', `/v1/audit-events/?filter[actor-id]=${owner.userId}&filter[action]=login.succeeded`, { token });
    const since = await manage('GET', `/v1/audit-events/?filter[cmp-created-time]=${encodeURIComponent(`>=${new Date(started).toISOString()}`)}`, { token });
    const future = await manage('GET', `/v1/audit-events/?filter[cmp-created-time]=${encodeURIComponent(`>${new Date(Date.now() + 3_600_000).toISOString()}`)}`, { token });
    const past = await manage('GET', `/v1/audit-events/?filter[cmp-created-time]=${encodeURIComponent(`<${new Date(started).toISOString()}`)}`, { token });
    const nobody = await manage('GET', '/v1/audit-events/?filter[actor-id]=usr_nobody', { token });

    // Assess
    expect(actions(roleCreated)).toEqual(['role.created']);
    expect(actions(two).sort()).toEqual(['login.succeeded', 'role.created']);
    expect(actions(byActor)).toEqual(['role.assigned', 'role.created']);
    expect(actions(byOwner)).toEqual(['login.succeeded']);
    expect(actions(since)).toEqual(expect.arrayContaining(['organization.suspended', 'role.assigned', 'role.created', 'login.succeeded']));
    expect(future.body.data).toEqual([]);
    expect(past.status).toBe(200);
    expect(ids(past).filter((id) => ids(since).includes(id))).toEqual([]);
    for (const event of past.body.data) expect(Date.parse(event.attributes['created-time'])).toBeLessThan(started);
    expect(nobody.body.data).toEqual([]);
  });

  it('pages with links.next, each event once, filters kept', async () => {
    // Prepare
    const all = ids(await manage('GET', '/v1/audit-events/', { token }));

    // Act
    const seen: string[] = [];
    let next: string | undefined = '/v1/audit-events/?page[limit]=1';
    while (next) {
      const page: ApiResponse = await manage('GET', next, { token });
      expect(page.body.data.length).toBeLessThanOrEqual(1);
      seen.push(...ids(page));
      next = page.body.links.next;
    }
    const filtered = await manage('GET', `/v1/audit-events/?filter[actor-id]=${otherActor}&page[limit]=1`, { token });
    const second = await manage('GET', filtered.body.links.next, { token });

    // Assess
    expect(seen).toEqual(all);
    expect(filtered.body.links.next).toContain('filter%5Bactor-id%5D');
    expect(actions(second)).toEqual(['role.created']);
    expect(second.body.links).toEqual({});
  });

  it('shows no other organization its events', async () => {
    // Prepare
    const stranger = await newPerson(['owner']);
    const { 'access-token': strangerToken } = await logIn(stranger.email, stranger.password);

    // Act
    const theirs = await manage('GET', '/v1/audit-events/', { token: strangerToken });
    const ours = ids(await manage('GET', '/v1/audit-events/', { token }));

    // Assess
    expect(theirs.status).toBe(200);
    expect(ids(theirs).filter((id) => ours.includes(id))).toEqual([]);
    expect(theirs.body.data.every((event: any) => event.attributes.actor.id !== otherActor)).toBe(true);
  });

  it('is for owners and admins: a developer or a viewer gets 403', async () => {
    // Prepare
    const people = await Promise.all(['admin', 'developer', 'viewer'].map((role) => newPerson([role])));
    const tokens = await Promise.all(people.map(async (person) => (await logIn(person.email, person.password))['access-token']));

    // Act
    const [admin, developer, viewer] = await Promise.all(tokens.map((each) => manage('GET', '/v1/audit-events/', { token: each })));

    // Assess
    expect(admin!.status).toBe(200);
    expect(actions(admin!)).toContain('login.succeeded');
    expect(developer!.status).toBe(403);
    expect(viewer!.status).toBe(403);
    expect(viewer!.body.errors[0].code).toBe('forbidden');
  });

  it('names each bad filter or cursor in a 400', async () => {
    // Prepare
    const bad: [string, string][] = [
      ['filter[action]=nope', 'filter[action]'],
      ['filter[action]=login.succeeded,nope', 'filter[action]'],
      ['filter[action]=,', 'filter[action]'],
      [`filter[actor-id]=${'x'.repeat(300)}`, 'filter[actor-id]'],
      ['filter[cmp-created-time]=%3D2025-01-01', 'filter[cmp-created-time]'],
      ['filter[cmp-created-time]=%3C2025-01-01,%3C2025-02-01', 'filter[cmp-created-time]'],
      ['page[after]=usr_x', 'page[after]'],
      ['__proto__=x', '__proto__'],
    ];

    // Act
    const answers = await Promise.all(bad.map(([query]) => manage('GET', `/v1/audit-events/?${query}`, { token })));

    // Assess
    answers.forEach((answer, i) => {
      expect(answer.status, bad[i]![0]).toBe(400);
      expect(answer.body.errors.map((error: any) => error.source?.parameter), bad[i]![0]).toContain(bad[i]![1]);
    });
  });
});
