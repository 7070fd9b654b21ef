import { beforeAll, describe, expect, it } from 'vitest';
import { call, newOrganization, TIMESTAMP } from '#test/support/api';

const TASK_FIELDS = [
  'id',
  'template',
  'template_version',
  'status',
  'priority',
  'assigned_to',
  'created_by',
  'member',
  'description',
  'parameters',
  'data',
  'external_url',
  'live_mode',
  'metadata',
  'created_at',
  'updated_at',
  'status_transitions',
];

const BLOOD_PRESSURE_SCHEMA = {
  type: 'object',
  properties: { unit: { type: 'string', enum: ['mmHg'] }, reading: { type: 'integer', minimum: 0 } },
  required: ['unit'],
  additionalProperties: false,
};

let org: Awaited<ReturnType<typeof newOrganization>>;
let memberId: string;

const post = (path: string, body: unknown, key = org.testKey) => call('POST', path, { key, body });
const createTask = (body: Record<string, unknown> = {}, key = org.testKey) =>
  post('/tasks', { template: 'update_blood_pressure', ...body }, key);

beforeAll(async () => {
  org = await newOrganization();
  await post('/task_templates', { reference: 'update_blood_pressure', name: 'Update blood pressure' });
  await post('/task_templates', { reference: 'measured', name: 'Measured', parameters: BLOOD_PRESSURE_SCHEMA });
  memberId = (await post('/members', { name: 'Daisy Demo', email: 'daisy@osma.com' })).body.id;
});

describe('create a task', () => {
  it('answers 201 with the task object, field for field, for the spec example', async () => {
    // Prepare: the spec's request body, with our member
    const body = `{
        "template": "update_blood_pressure",
        "description": "Update member's blood pressure",
        "member": "${memberId}"
      }`;

    // Act
    const response = await call('POST', '/tasks', { key: org.testKey, rawBody: body });

    // Assess
    expect(response.status).toBe(201);
    expect(Object.keys(response.body)).toEqual(TASK_FIELDS);
    expect(response.body).toMatchObject({
      template: 'update_blood_pressure',
      template_version: 1,
      status: 'ready',
      priority: 'routine',
      assigned_to: null,
      created_by: null,
      member: memberId,
      description: "Update member's blood pressure",
      parameters: {},
      data: {},
      external_url: null,
      live_mode: false,
      metadata: {},
      status_transitions: [],
    });
    expect(response.body.id).toMatch(/^task_[0-9A-Za-z]{27}$/);
    expect(response.body.created_at).toMatch(TIMESTAMP);
    expect((await call('GET', `/tasks/${response.body.id}`, { key: org.testKey })).body).toEqual(response.body);
  });

  it('takes every optional field', async () => {
    const response = await createTask({
      assigned_to: org.users.active.id,
      priority: 'urgent',
      external_url: 'https://dashboard.stripe.com/payments/pi_123',
      metadata: { ref: 'abc' },
    });

    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      assigned_to: org.users.active.id,
      priority: 'urgent',
      external_url: 'https://dashboard.stripe.com/payments/pi_123',
      metadata: { ref: 'abc' },
    });
  });

  it('requires a template, known in this mode', async () => {
    const missing = await post('/tasks', {});
    const unknown = await createTask({ template: 'no_such_template' });
    const otherMode = await createTask({}, org.liveKey);

    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('parameter_missing');
    expect(missing.body.params).toEqual([{ param: 'template', message: 'template is required' }]);
    for (const response of [unknown, otherMode]) {
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('task_template_not_found');
      expect(response.body.params[0].param).toBe('template');
    }
  });

  it('pins the latest template version by default, or the one asked for', async () => {
    const reference = `versioned_${Date.now()}`;
    await post('/task_templates', { reference, name: 'v1' });
    await post(`/task_templates/${reference}`, { name: 'v2' });

    const latest = await createTask({ template: reference });
    const first = await createTask({ template: reference, template_version: 1 });
    const unknown = await createTask({ template: reference, template_version: 3 });

    expect(latest.body.template_version).toBe(2);
    expect(first.body.template_version).toBe(1);
    expect(unknown.status).toBe(400);
    expect(unknown.body.params).toEqual([
      { param: 'template_version', message: `Task template '${reference}' has no version 3; its latest is 2.` },
    ]);
  });

  it('checks the member: it must exist in this mode and not be deleted', async () => {
    const liveMember = (await post('/members', { name: 'Live', email: 'live@osma.com' }, org.liveKey)).body.id;
    const deletedMember = (await post('/members', { name: 'Gone', email: `gone-${Date.now()}@osma.com` })).body.id;
    await call('DELETE', `/members/${deletedMember}`, { key: org.testKey });

    const unknown = await createTask({ member: 'mem_28bnB4MCh2qygiyaHQ6jNGUbl10' });
    const otherMode = await createTask({ member: liveMember });
    const malformed = await createTask({ member: 'daisy' });
    const deleted = await createTask({ member: deletedMember });

    for (const response of [unknown, otherMode, malformed]) {
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('member_not_found');
      expect(response.body.params[0].param).toBe('member');
    }
    expect(deleted.status).toBe(400);
    expect(deleted.body.code).toBe('invalid_status');
  });

  it('assigns only to an existing, active user of the organization', async () => {
    const other = await newOrganization();

    const unknown = await createTask({ assigned_to: 'usr_28bnB4MCh2qygiyaHQ6jNGUbl10' });
    const otherOrg = await createTask({ assigned_to: other.users.active.id });
    const invited = await createTask({ assigned_to: org.users.invited.id });
    const inactive = await createTask({ assigned_to: org.users.inactive.id });
    const live = await createTask({ assigned_to: org.users.active.id }, org.liveKey);

    for (const response of [unknown, otherOrg]) {
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('user_not_found');
      expect(response.body.params[0].param).toBe('assigned_to');
    }
    for (const response of [invited, inactive]) {
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('user_not_permitted');
    }
    // Users are the same in both modes; the live template does not exist, which is the error here.
    expect(live.body.code).toBe('task_template_not_found');
  });

  it('validates parameters against the template schema, naming each wrong one', async () => {
    const good = await createTask({ template: 'measured', parameters: { unit: 'mmHg', reading: 120 } });
    const bad = await createTask({ template: 'measured', parameters: { unit: 'kPa', extra: true } });
    const missing = await createTask({ template: 'measured' });

    expect(good.status).toBe(201);
    expect(bad.status).toBe(400);
    expect(bad.body.params).toEqual(
      expect.arrayContaining([
        { param: 'parameters.extra', message: 'parameters.extra is not allowed by the template' },
        { param: 'parameters.unit', message: 'parameters.unit must be equal to one of the allowed values' },
      ]),
    );
    expect(missing.body.params).toEqual([{ param: 'parameters.unit', message: 'parameters.unit is required' }]);
  });

  it.each([
    [{ priority: 'whenever' }, 'priority', 'priority must be one of: routine, time_sensitive, high_priority, urgent'],
    [{ external_url: 'not a url' }, 'external_url', 'external_url must be a valid http or https URL'],
    [{ external_url: 'javascript:alert(1)' }, 'external_url', 'external_url must be a valid http or https URL'],
    [{ template_version: 0 }, 'template_version', 'template_version must be at least 1'],
    [{ parameters: [] }, 'parameters', 'parameters must be an object'],
    [{ status: 'completed' }, 'status', 'Received unknown parameter: status'],
  ])('rejects %j naming %s', async (change, param, message) => {
    const response = await createTask(change);

    expect(response.status).toBe(400);
    expect(response.body.params).toEqual([{ param, message }]);
  });
});

describe('update a task', () => {
  it('moves ready -> in_progress -> completed with transitions and data, then accepts no change', async () => {
    const task = (await createTask({ member: memberId })).body;
    const path = `/tasks/${task.id}`;

    const started = await post(path, { status: 'in_progress' });
    const completed = await post(path, {
      status: 'completed',
      data: { blood_pressure: { systolic: '120', diastolic: '80' } },
    });
    const after = await post(path, { description: 'late' });
    const deleteCompleted = await call('DELETE', path, { key: org.testKey });

    expect(started.body.status).toBe('in_progress');
    expect(completed.body.status).toBe('completed');
    expect(completed.body.data).toEqual({ blood_pressure: { systolic: '120', diastolic: '80' } });
    expect(completed.body.status_transitions).toEqual([
      { to: 'in_progress', from: 'ready', timestamp: expect.stringMatching(TIMESTAMP) },
      { to: 'completed', from: 'in_progress', timestamp: expect.stringMatching(TIMESTAMP) },
    ]);
    expect(after.status).toBe(400);
    expect(after.body.code).toBe('invalid_status');
    expect(deleteCompleted.body.code).toBe('invalid_status');
  });

  it('goes from ready straight to completed', async () => {
    const task = (await createTask()).body;

    const completed = await post(`/tasks/${task.id}`, { status: 'completed' });

    expect(completed.body.status_transitions).toEqual([
      { to: 'completed', from: 'ready', timestamp: expect.stringMatching(TIMESTAMP) },
    ]);
  });

  it('changes parameters and template_version only while ready', async () => {
    const task = (await createTask({ template: 'measured', parameters: { unit: 'mmHg' } })).body;
    const path = `/tasks/${task.id}`;

    const whileReady = await post(path, { parameters: { unit: 'mmHg', reading: 90 } });
    const invalid = await post(path, { parameters: { unit: 'bar' } });
    await post(path, { status: 'in_progress' });
    const whileInProgress = await post(path, { parameters: { unit: 'mmHg', reading: 100 } });
    const versionInProgress = await post(path, { template_version: 1 });
    const sameParameters = await post(path, { parameters: { unit: 'mmHg', reading: 90 }, priority: 'urgent' });

    expect(whileReady.body.parameters).toEqual({ unit: 'mmHg', reading: 90 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.params[0].param).toBe('parameters.unit');
    expect(whileInProgress.status).toBe(400);
    expect(whileInProgress.body.code).toBe('invalid_status');
    // Version 1 is the task's version already: not a change.
    expect(versionInProgress.status).toBe(200);
    expect(sameParameters.status).toBe(200);
    expect(sameParameters.body.priority).toBe('urgent');
  });

  it('moves to another template version, validating parameters against it', async () => {
    const reference = `schema_change_${Date.now()}`;
    await post('/task_templates', { reference, name: 'Free' });
    await post(`/task_templates/${reference}`, { parameters: { type: 'object', required: ['unit'] } });
    const task = (await createTask({ template: reference, template_version: 1 })).body;

    const refused = await post(`/tasks/${task.id}`, { template_version: 2 });
    const moved = await post(`/tasks/${task.id}`, { template_version: 2, parameters: { unit: 'mmHg' } });

    expect(refused.status).toBe(400);
    expect(refused.body.params).toEqual([{ param: 'parameters.unit', message: 'parameters.unit is required' }]);
    expect(moved.body.template_version).toBe(2);
  });

  it('refuses to change the template, and statuses out of order', async () => {
    const task = (await createTask()).body;
    const path = `/tasks/${task.id}`;

    const template = await post(path, { template: 'measured' });
    const backToReady = await post(path, { status: 'ready' });
    await post(path, { status: 'in_progress' });
    const deletedByUpdate = await post(path, { status: 'deleted' });

    expect(template.status).toBe(400);
    expect(template.body.params).toEqual([{ param: 'template', message: 'Received unknown parameter: template' }]);
    expect(backToReady.body.params[0].param).toBe('status');
    expect(deletedByUpdate.body.params[0].param).toBe('status');
  });

  it('reassigns to active users only, and unassigns with null', async () => {
    const task = (await createTask({ assigned_to: org.users.active.id })).body;
    const path = `/tasks/${task.id}`;

    const toInactive = await post(path, { assigned_to: org.users.inactive.id });
    const unassigned = await post(path, { assigned_to: null });

    expect(toInactive.body.code).toBe('user_not_permitted');
    expect(unassigned.body.assigned_to).toBeNull();
  });
});

describe('concurrent task changes', () => {
  it('keeps every change of many concurrent updates, each with its own event-carrying write', async () => {
    const task = (await createTask()).body;

    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => post(`/tasks/${task.id}`, { metadata: { [`k${i}`]: 'v' } })),
    );

    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    const final = await call('GET', `/tasks/${task.id}`, { key: org.testKey });
    expect(Object.keys(final.body.metadata).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `k${i}`).sort());
  });

  it('completes a task once when two requests race to complete it', async () => {
    const task = (await createTask()).body;

    const [first, second] = await Promise.all([
      post(`/tasks/${task.id}`, { status: 'completed' }),
      post(`/tasks/${task.id}`, { status: 'completed' }),
    ]);

    expect([first.status, second.status].sort()).toEqual([200, 400]);
    const final = await call('GET', `/tasks/${task.id}`, { key: org.testKey });
    expect(final.body.status_transitions).toHaveLength(1);
  });
});

describe('delete a task', () => {
  it('soft deletes with a transition; a second delete is invalid_status', async () => {
    const task = (await createTask()).body;
    await post(`/tasks/${task.id}`, { status: 'in_progress' });

    const deleted = await call('DELETE', `/tasks/${task.id}`, { key: org.testKey });
    const again = await call('DELETE', `/tasks/${task.id}`, { key: org.testKey });

    expect(deleted.status).toBe(200);
    expect(deleted.body.status).toBe('deleted');
    expect(deleted.body.status_transitions.at(-1)).toEqual({
      to: 'deleted',
      from: 'in_progress',
      timestamp: expect.stringMatching(TIMESTAMP),
    });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('invalid_status');
  });

  it('404s for a task of the other mode', async () => {
    const task = (await createTask()).body;

    const response = await call('DELETE', `/tasks/${task.id}`, { key: org.liveKey });

    expect(response.status).toBe(404);
    expect(response.body.code).toBe('resource_not_found');
  });
});

describe('list tasks', () => {
  it('filters by status, member and assignee, alone and together, newest first', async () => {
    const own = await newOrganization();
    await post('/task_templates', { reference: 'update_blood_pressure', name: 'BP' }, own.testKey);
    const member = (await post('/members', { name: 'M', email: 'm@osma.com' }, own.testKey)).body.id;
    const make = (body: Record<string, unknown>) => createTask(body, own.testKey).then((r) => r.body.id as string);
    const plain = await make({});
    const forMember = await make({ member });
    const assigned = await make({ assigned_to: own.users.active.id });
    const both = await make({ member, assigned_to: own.users.active.id });
    await post(`/tasks/${both}`, { status: 'in_progress' }, own.testKey);
    const list = async (query: string) =>
      (await call('GET', `/tasks${query}`, { key: own.testKey })).body.data.map((t: { id: string }) => t.id);

    expect(await list('')).toEqual([both, assigned, forMember, plain]);
    expect(await list('?status=ready')).toEqual([assigned, forMember, plain]);
    expect(await list('?status=in_progress')).toEqual([both]);
    expect(await list(`?member=${member}`)).toEqual([both, forMember]);
    expect(await list(`?assigned_to=${own.users.active.id}`)).toEqual([both, assigned]);
    expect(await list(`?member=${member}&status=ready`)).toEqual([forMember]);
    expect(await list(`?assigned_to=${own.users.active.id}&member=${member}&status=in_progress`)).toEqual([both]);
    expect(await list(`?status=ready&limit=2&starting_after=${assigned}`)).toEqual([forMember, plain]);
  });

  it('rejects unknown filter values', async () => {
    const status = await call('GET', '/tasks?status=done', { key: org.testKey });
    const member = await call('GET', '/tasks?member=usr_28bnB4MCh2qygiyaHQ6jNGUbl10', { key: org.testKey });

    expect(status.status).toBe(400);
    expect(status.body.params[0].param).toBe('status');
    expect(member.body.params).toEqual([{ param: 'member', message: 'member must be the id of a member' }]);
  });
});

describe('task templates', () => {
  it('creates version 1, versions every change, and keeps old versions readable', async () => {
    const reference = `template_${Date.now()}`;

    const created = await post('/task_templates', { reference, name: 'First', renderless: true });
    const updated = await post(`/task_templates/${reference}`, { name: 'Second', description: 'Now described' });
    const latest = await call('GET', `/task_templates/${reference}`, { key: org.testKey });
    const first = await call('GET', `/task_templates/${reference}?version=1`, { key: org.testKey });
    const none = await call('GET', `/task_templates/${reference}?version=9`, { key: org.testKey });

    expect(created.status).toBe(201);
    expect(Object.keys(created.body)).toEqual([
      'id', 'reference', 'version', 'name', 'description', 'renderless', 'parameters', 'live_mode', 'created_at', 'updated_at',
    ]);
    expect(created.body).toMatchObject({ reference, version: 1, name: 'First', renderless: true, parameters: null, live_mode: false });
    expect(created.body.id).toMatch(/^tmpl_[0-9A-Za-z]{27}$/);
    expect(updated.body).toMatchObject({ id: created.body.id, version: 2, name: 'Second', description: 'Now described' });
    expect(latest.body).toEqual(updated.body);
    expect(first.body).toEqual(created.body);
    expect(none.status).toBe(404);
  });

  it('keeps references unique per organization and mode, and well formed', async () => {
    const reference = `unique_${Date.now()}`;

    const results = await Promise.all(Array.from({ length: 6 }, () => post('/task_templates', { reference, name: 'x' })));
    const live = await post('/task_templates', { reference, name: 'x' }, org.liveKey);
    const badReference = await post('/task_templates', { reference: 'has space', name: 'x' });

    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'resource_already_exists')).toBe(true);
    expect(live.status).toBe(201);
    expect(badReference.body.params).toEqual([
      { param: 'reference', message: 'reference may contain only letters, digits, _ and -' },
    ]);
  });

  it('refuses a parameters schema that is not JSON Schema', async () => {
    const response = await post('/task_templates', { reference: `bad_schema_${Date.now()}`, name: 'x', parameters: { type: 12 } });

    expect(response.status).toBe(400);
    expect(response.body.params).toEqual([
      {
        param: 'parameters.type',
        message: 'parameters.type is not valid JSON Schema (draft-07): must be equal to one of the allowed values',
      },
    ]);
  });

  it('lists latest versions, newest first, per mode', async () => {
    const own = await newOrganization();
    await post('/task_templates', { reference: 'a', name: 'A' }, own.testKey);
    await post('/task_templates', { reference: 'b', name: 'B' }, own.testKey);
    await post('/task_templates/a', { name: 'A2' }, own.testKey);

    const list = await call('GET', '/task_templates', { key: own.testKey });
    const live = await call('GET', '/task_templates', { key: own.liveKey });

    expect(list.body.data.map((t: { reference: string; version: number }) => [t.reference, t.version])).toEqual([
      ['b', 1],
      ['a', 2],
    ]);
    expect(live.body.data).toEqual([]);
  });
});

describe('users', () => {
  it('answers with the user object, the same for a test and a live key', async () => {
    const byTest = await call('GET', `/users/${org.users.active.id}`, { key: org.testKey });
    const byLive = await call('GET', `/users/${org.users.active.id}`, { key: org.liveKey });

    expect(byTest.status).toBe(200);
    expect(Object.keys(byTest.body)).toEqual([
      'id', 'created_at', 'updated_at', 'email', 'full_name', 'roles', 'status', 'status_transitions',
    ]);
    expect(byTest.body).toMatchObject({ email: 'active@osma.test', full_name: 'Active User', roles: [{ title: 'Pharmacist' }], status: 'active' });
    expect(byLive.body).toEqual(byTest.body);
  });

  it('lists the organization\'s users only, and 404s for another organization\'s user', async () => {
    const other = await newOrganization();

    const list = await call('GET', '/users?limit=2', { key: org.testKey });
    const foreign = await call('GET', `/users/${other.users.active.id}`, { key: org.testKey });

    expect(list.body.has_next).toBe(true);
    expect(list.body.data.map((u: { id: string }) => u.id)).toEqual([org.users.inactive.id, org.users.invited.id]);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('resource_not_found');
  });
});
