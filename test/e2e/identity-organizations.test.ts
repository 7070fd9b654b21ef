import { describe, expect, it } from 'vitest';
import { stack } from '#test/support/api';
import { logIn, manage, newPerson } from '#test/support/management';

describe('/v1/organizations/', () => {
  it('lists and gets only your own organization, with the seed attributes', async () => {
    const { 'access-token': token } = await logIn();

    const list = await manage('GET', '/v1/organizations/', { token });
    const one = await manage('GET', `/v1/organizations/${stack.organizationId}/`, { token });
    const withoutSlash = await manage('GET', `/v1/organizations/${stack.organizationId}`, { token, unchecked: true });

    expect(list.status).toBe(200);
    expect(list.body.data.map((organization: { id: string }) => organization.id)).toEqual([stack.organizationId]);
    expect(list.body.meta.page).toEqual({ limit: 100, offset: 0, total: 1 });
    expect(one.status).toBe(200);
    expect(one.body.data).toMatchObject({
      type: 'organizations',
      id: stack.organizationId,
      attributes: { 'is-active': true, timezone: expect.any(String), 'display-name': expect.any(String) },
    });
    expect(withoutSlash.status).toBe(200);
    expect(withoutSlash.body).toEqual(one.body);
  });

  it("answers another organization's id as not found", async () => {
    const { 'access-token': token } = await logIn();
    const other = await newPerson();

    const answer = await manage('GET', `/v1/organizations/${other.organizationId}/`, { token });

    expect(answer.status).toBe(404);
    expect(answer.body.errors[0]).toMatchObject({ status: 404, code: 'resource_not_found' });
  });

  it('lets an owner change the display name and time zone, and names a bad time zone by its pointer', async () => {
    const person = await newPerson(['owner']);
    const { 'access-token': token } = await logIn(person.email, person.password);
    const path = `/v1/organizations/${person.organizationId}/`;

    const changed = await manage('PATCH', path, {
      token,
      body: { data: { type: 'organizations', id: person.organizationId, attributes: { 'display-name': 'Acme Care', timezone: 'Europe/Paris' } } },
    });
    const bad = await manage('PATCH', path, { token, body: { data: { type: 'organizations', attributes: { timezone: 'Mars/Olympus' } } } });

    expect(changed.status).toBe(200);
    expect(changed.body.data.attributes).toMatchObject({ 'display-name': 'Acme Care', timezone: 'Europe/Paris' });
    expect((await manage('GET', path, { token })).body.data.attributes['display-name']).toBe('Acme Care');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].source).toEqual({ pointer: '/data/attributes/timezone' });
  });

  it("refuses a viewer with 403 whatever the body, and an owner's body of the wrong type with 400", async () => {
    const viewer = await newPerson(['viewer']);
    const { 'access-token': token } = await logIn(viewer.email, viewer.password);
    const { 'access-token': ownerToken } = await logIn();
    const path = `/v1/organizations/${viewer.organizationId}/`;

    const refused = await manage('PATCH', path, { token, body: { data: { type: 'organizations', attributes: { 'display-name': 'Nope' } } } });
    const refusedWrongType = await manage('PATCH', path, { token, body: { data: { type: 'users', attributes: {} } } });
    const wrongType = await manage('PATCH', `/v1/organizations/${stack.organizationId}/`, { token: ownerToken, body: { data: { type: 'users', attributes: {} } } });

    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].code).toBe('forbidden');
    expect(refusedWrongType.status).toBe(403);
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors[0].source).toEqual({ pointer: '/data/type' });
  });
});

describe('/v1/spec/openapi.json', () => {
  it('serves the management API as a valid OpenAPI 3.1 document, without a token', async () => {
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const answer = await manage('GET', '/v1/spec/openapi.json');
    const yaml = await manage('GET', '/v1/spec/openapi.yaml');

    expect(answer.status).toBe(200);
    expect(answer.body.openapi).toBe('3.1.0');
    expect(Object.keys(answer.body.paths)).toEqual(expect.arrayContaining(['/v1/login/', '/v1/organizations/{id}/']));
    const result = await new Validator().validate(answer.body);
    expect(result.valid, JSON.stringify(result.errors)).toBe(true);
    expect(yaml.status).toBe(200);
    expect(yaml.headers.get('content-type')).toContain('application/yaml');
  });

  it('answers an unknown /v1/ path in JSON:API form', async () => {
    const answer = await manage('GET', '/v1/nothing-here/');

    expect(answer.status).toBe(404);
    expect(answer.body.errors[0]).toMatchObject({ status: 404, code: 'resource_not_found' });
  });
});
