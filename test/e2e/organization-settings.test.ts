import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { FIRST_VERSION, LATEST_VERSION } from '#shared/api/versions';
import { listAudit } from '#shared/identity/audit/audit';
import { organizationKeys } from '#shared/identity/organizations/keys';
import { DEFAULT_RATE_LIMITS } from '#shared/identity/organizations/schemas';
import { runAdminCommand } from '#shared/identity/platform/commands';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';
import { call } from '#test/support/api';
import { logIn, manage, newPerson } from '#test/support/management';

/**
 * An organization's settings for the public API through the management API: the default API
 * version (which a header-less public API call then answers in) and the rate limits (readable,
 * changed only by the platform team's command). The stack runs with
 * OSMA_AUTHORIZER_CACHE_SECONDS=0, so a change is seen by the next call.
 */
async function signedIn(roles: string[] = ['owner']) {
  const person = await newPerson(roles);
  const { 'access-token': token } = await logIn(person.email, person.password);
  return { ...person, token };
}

const patch = (token: string, id: string, attributes: Record<string, unknown>) =>
  manage('PATCH', `/v1/organizations/${id}/`, { token, body: { data: { type: 'organizations', id, attributes } } });

async function testKeyOf(token: string): Promise<string> {
  const answer = await manage('POST', '/v1/api-keys/', { token, body: { data: { type: 'api-keys', attributes: { mode: 'test' } } } });
  expect(answer.status, answer.text).toBe(201);
  return answer.body.data.attributes.secret;
}

describe("an organization's API settings", () => {
  it('shows the default API version and the rate limits of each mode', async () => {
    const owner = await signedIn();

    const answer = await manage('GET', `/v1/organizations/${owner.organizationId}/`, { token: owner.token });

    expect(answer.status).toBe(200);
    expect(answer.body.data.attributes).toMatchObject({
      'default-api-version': LATEST_VERSION,
      'rate-limits': { test: DEFAULT_RATE_LIMITS.test, live: DEFAULT_RATE_LIMITS.live },
    });
  });

  it('sets the default API version, and a public API call without osma-api-version then answers in it', async () => {
    const owner = await signedIn();
    const key = await testKeyOf(owner.token);
    const created = await call('POST', '/members', { key, body: { name: 'Daisy Demo', email: `daisy-${crypto.randomUUID()}@osma.com` } });
    const path = `/members/${created.body.id}`;

    const before = await call('GET', path, { key });
    const changed = await patch(owner.token, owner.organizationId, { 'default-api-version': FIRST_VERSION });
    const after = await call('GET', path, { key });
    const asked = await call('GET', path, { key, headers: { 'osma-api-version': LATEST_VERSION } });
    const shown = await manage('GET', `/v1/organizations/${owner.organizationId}/`, { token: owner.token });

    expect(before.headers.get('osma-api-version')).toBe(LATEST_VERSION);
    expect(before.body).toHaveProperty('status');
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.data.attributes['default-api-version']).toBe(FIRST_VERSION);
    expect(shown.body.data.attributes['default-api-version']).toBe(FIRST_VERSION);
    // The member shape of 2022-05-02: reference_id, active and gender; no status.
    expect(after.status).toBe(200);
    expect(after.headers.get('osma-api-version')).toBe(FIRST_VERSION);
    expect(after.body).toMatchObject({ id: created.body.id, reference_id: null, active: true, gender: null });
    expect(after.body).not.toHaveProperty('status');
    expect(after.body).not.toHaveProperty('status_transitions');
    // A call that names a version still gets that one.
    expect(asked.headers.get('osma-api-version')).toBe(LATEST_VERSION);
    expect(asked.body).toHaveProperty('status');
    const events = (await listAudit(owner.organizationId, { limit: 100 })).data.filter((event) => event.action === 'organization.updated');
    expect(events).toEqual([
      expect.objectContaining({
        actor: { type: 'user', id: owner.userId },
        target: { type: 'organization', id: owner.organizationId },
        data: { fields: 'default-api-version', 'default-api-version': FIRST_VERSION, 'previous-api-version': LATEST_VERSION },
      }),
    ]);
  });

  it('refuses a version that is not released, or not a version, naming the field, and changes nothing', async () => {
    const owner = await signedIn();

    const answers = await Promise.all(
      ['2030-01-01', '2022-05-03', 'latest', '', 20220502, null, 'x'.repeat(10_000)].map((version) =>
        patch(owner.token, owner.organizationId, { 'default-api-version': version }),
      ),
    );
    const shown = await manage('GET', `/v1/organizations/${owner.organizationId}/`, { token: owner.token });

    for (const answer of answers) {
      expect(answer.status, answer.text).toBe(400);
      expect(answer.body.errors[0].source).toEqual({ pointer: '/data/attributes/default-api-version' });
    }
    expect(answers[0]!.body.errors[0].detail).toContain(FIRST_VERSION);
    expect(shown.body.data.attributes['default-api-version']).toBe(LATEST_VERSION);
  });

  it('keeps the rate limits to the platform: a PATCH of them is a 400, the admin command changes them (audited)', async () => {
    const owner = await signedIn();

    const refused = await patch(owner.token, owner.organizationId, { 'rate-limits': { test: 1000, live: 1000 } });
    const command = await runAdminCommand({ command: 'set-rate-limits', organizationId: owner.organizationId, test: 35 });
    const shown = await manage('GET', `/v1/organizations/${owner.organizationId}/`, { token: owner.token });

    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].source).toEqual({ pointer: '/data/attributes/rate-limits' });
    expect(command).toMatchObject({ organization: { rateLimits: { test: 35, live: DEFAULT_RATE_LIMITS.live } } });
    expect(shown.body.data.attributes['rate-limits']).toEqual({ test: 35, live: DEFAULT_RATE_LIMITS.live });
    const events = (await listAudit(owner.organizationId, { limit: 100 })).data.filter((event) => event.action === 'organization.updated');
    expect(events).toEqual([
      expect.objectContaining({
        actor: { type: 'platform' },
        data: { fields: 'rate-limits', 'rate-limit-test': 35, 'rate-limit-live': DEFAULT_RATE_LIMITS.live },
      }),
    ]);
  });

  it('lets a viewer and a developer read the settings but not change them (403), and keeps other organizations out (404)', async () => {
    const viewer = await signedIn(['viewer']);
    const developer = await signedIn(['developer']);
    const admin = await signedIn(['admin']);

    const read = await manage('GET', `/v1/organizations/${viewer.organizationId}/`, { token: viewer.token });
    const byViewer = await patch(viewer.token, viewer.organizationId, { 'default-api-version': FIRST_VERSION });
    const byDeveloper = await patch(developer.token, developer.organizationId, { 'default-api-version': FIRST_VERSION });
    const byAdmin = await patch(admin.token, admin.organizationId, { 'default-api-version': FIRST_VERSION });
    const otherOrganization = await patch(admin.token, viewer.organizationId, { 'default-api-version': FIRST_VERSION });
    const viewerOrganization = await manage('GET', `/v1/organizations/${viewer.organizationId}/`, { token: viewer.token });

    expect(read.body.data.attributes['default-api-version']).toBe(LATEST_VERSION);
    expect(byViewer.status).toBe(403);
    expect(byViewer.body.errors[0].code).toBe('forbidden');
    expect(byDeveloper.status).toBe(403);
    expect(byAdmin.status).toBe(200);
    expect(otherOrganization.status).toBe(404);
    expect(viewerOrganization.body.data.attributes['default-api-version']).toBe(LATEST_VERSION);
  });

  it('sets the version of an organization whose item was written before it had settings', async () => {
    const owner = await signedIn();
    await db().send(
      new UpdateCommand({ TableName: tableName(), Key: organizationKeys.key(owner.organizationId), UpdateExpression: 'REMOVE settings' }),
    );

    const changed = await patch(owner.token, owner.organizationId, { 'default-api-version': FIRST_VERSION, 'display-name': 'Older' });
    const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: organizationKeys.key(owner.organizationId), ConsistentRead: true }));

    expect(changed.status, changed.text).toBe(200);
    expect(changed.body.data.attributes).toMatchObject({ 'display-name': 'Older', 'default-api-version': FIRST_VERSION });
    expect(Item!.settings).toEqual({ api_version: FIRST_VERSION, rate_limits: { ...DEFAULT_RATE_LIMITS } });
  });

  it('writes nothing and audits nothing for a PATCH that changes nothing', async () => {
    const owner = await signedIn();

    const same = await patch(owner.token, owner.organizationId, { 'default-api-version': LATEST_VERSION });
    const empty = await patch(owner.token, owner.organizationId, {});

    expect([same.status, empty.status]).toEqual([200, 200]);
    const events = (await listAudit(owner.organizationId, { limit: 100 })).data.filter((event) => event.action === 'organization.updated');
    expect(events).toEqual([]);
  });
});
