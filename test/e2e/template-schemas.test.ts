import { beforeAll, describe, expect, it } from 'vitest';
import { call, newOrganization } from '#test/support/api';

/**
 * Task-template schemas are code-like input from every tenant: none may reach another's schema,
 * crash or stall the function, and what is refused is refused when the template is saved.
 */
let org: Awaited<ReturnType<typeof newOrganization>>;
let counter = 0;
const uniqueReference = (name: string) => `${name}_${Date.now()}_${counter++}`;

const post = (path: string, body: unknown, key = org.testKey) => call('POST', path, { key, body });
const createTemplate = (parameters: unknown, key = org.testKey, reference = uniqueReference('schema')) =>
  post('/task_templates', { reference, name: 'Schema', parameters }, key);
const createTask = (template: string, parameters: unknown, key = org.testKey) =>
  post('/tasks', { template, parameters }, key);

/** The example: a schema that names itself and holds a field another tenant must never learn. */
const PRIVATE_SCHEMA = {
  $id: 'https://org-a.example/intake',
  type: 'object',
  properties: { org_a_private_field: { type: 'string', pattern: '^SECRET-[0-9]{4}$' } },
  required: ['org_a_private_field'],
};

beforeAll(async () => {
  org = await newOrganization();
});

describe('a template schema reaches nothing outside itself', () => {
  it('refuses a $ref to another mode’s $id when saved, and no answer names the other mode’s field', async () => {
    const owner = await createTemplate(PRIVATE_SCHEMA, org.testKey);
    const reference = uniqueReference('probe');

    const probe = await createTemplate({ $ref: 'https://org-a.example/intake' }, org.liveKey, reference);
    const task = await createTask(reference, {}, org.liveKey);

    expect(owner.status).toBe(201);
    expect(probe.status).toBe(400);
    expect(probe.body.params).toEqual([
      {
        param: 'parameters.$ref',
        message: 'parameters.$ref must be #/definitions/<name> or #/$defs/<name>: a schema can refer only to its own definitions',
      },
    ]);
    expect(task.status).toBe(400);
    expect(task.body.code).toBe('task_template_not_found');
    expect(probe.text + task.text).not.toMatch(/org_a_private_field|SECRET/);
  });

  it('refuses the same $ref from another organization', async () => {
    const other = await newOrganization();
    await createTemplate(PRIVATE_SCHEMA, org.testKey);

    const probe = await createTemplate({ $ref: 'https://org-a.example/intake#/properties' }, other.testKey);

    expect(probe.status).toBe(400);
    expect(probe.body.params[0].param).toBe('parameters.$ref');
    expect(probe.text).not.toMatch(/org_a_private_field|SECRET/);
  });

  it('lets two organizations use the same $id, each validated by its own schema alone', async () => {
    const other = await newOrganization();
    const squatter = await createTemplate(
      { $id: 'https://org-a.example/intake', type: 'object', properties: { squatter_field: { type: 'integer' } }, required: ['squatter_field'] },
      other.testKey,
    );
    const ownerReference = uniqueReference('owner');

    const owner = await createTemplate(PRIVATE_SCHEMA, org.testKey, ownerReference);
    const good = await createTask(ownerReference, { org_a_private_field: 'SECRET-1234' });
    const bad = await createTask(ownerReference, { org_a_private_field: 'nope' });

    expect(squatter.status).toBe(201);
    expect(owner.status).toBe(201);
    expect(good.status).toBe(201);
    expect(bad.status).toBe(400);
    expect(bad.body.params).toEqual([
      { param: 'parameters.org_a_private_field', message: 'parameters.org_a_private_field must match pattern "^SECRET-[0-9]{4}$"' },
    ]);
    expect(bad.text).not.toMatch(/squatter/);
  });

  it('validates tasks on a schema with a $id every time, whatever order the store keeps its keys in', async () => {
    const reference = uniqueReference('with_id');
    const schema = {
      $id: 'https://example.com/schemas/vitals',
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: {
        systolic: { type: 'integer', minimum: 0 },
        diastolic: { type: 'integer', minimum: 0 },
        unit: { enum: ['mmHg'] },
        note: { type: 'string', maxLength: 200 },
      },
      required: ['systolic', 'diastolic', 'unit'],
      additionalProperties: false,
    };
    await createTemplate(schema, org.testKey, reference);

    const creates = [];
    for (let i = 0; i < 3; i++) creates.push(await createTask(reference, { systolic: 120 + i, diastolic: 80, unit: 'mmHg' }));
    const refused = await createTask(reference, { systolic: 120, diastolic: -1, unit: 'mmHg' });

    expect(creates.map((response) => response.status)).toEqual([201, 201, 201]);
    expect(refused.status).toBe(400);
    expect(refused.body.params).toEqual([{ param: 'parameters.diastolic', message: 'parameters.diastolic must be >= 0' }]);
  });

  it('follows a $ref to its own definitions', async () => {
    const reference = uniqueReference('definitions');
    const created = await createTemplate(
      {
        type: 'object',
        definitions: { reading: { type: 'integer', minimum: 0, maximum: 300 } },
        $defs: { unit: { enum: ['mmHg', 'kPa'] } },
        properties: { systolic: { $ref: '#/definitions/reading' }, unit: { $ref: '#/$defs/unit' } },
      },
      org.testKey,
      reference,
    );

    const good = await createTask(reference, { systolic: 120, unit: 'kPa' });
    const bad = await createTask(reference, { systolic: 400, unit: 'mmHg' });

    expect(created.status).toBe(201);
    expect(good.status).toBe(201);
    expect(bad.body.params).toEqual([{ param: 'parameters.systolic', message: 'parameters.systolic must be <= 300' }]);
  });
});

describe('a template schema that could crash or stall is refused when saved', () => {
  it.each([
    ['a reference to the whole schema', { $ref: '#' }, 'parameters.$ref'],
    [
      'definitions that refer to each other',
      { definitions: { a: { $ref: '#/definitions/b' }, b: { $ref: '#/definitions/a' } }, $ref: '#/definitions/a' },
      'parameters.definitions.b.$ref',
    ],
    [
      'a definition that contains itself',
      { definitions: { node: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/definitions/node' } } } } } },
      'parameters.definitions.node.properties.children.items.$ref',
    ],
    ['a reference to no definition', { properties: { a: { $ref: '#/definitions/missing' } } }, 'parameters.properties.a.$ref'],
  ])('refuses %s', async (_, parameters, param) => {
    const response = await createTemplate(parameters);

    expect(response.status).toBe(400);
    expect(response.body.params.map((p: { param: string }) => p.param)).toEqual([param]);
  });

  it('answers a catastrophic-backtracking pattern on a 32-character input in well under a second', async () => {
    const reference = uniqueReference('redos');
    await createTemplate({ type: 'object', properties: { code: { type: 'string', pattern: '^(a+)+$' } } }, org.testKey, reference);

    const started = performance.now();
    const response = await createTask(reference, { code: `${'a'.repeat(31)}!` });
    const elapsed = performance.now() - started;

    expect(response.status).toBe(400);
    expect(response.body.params).toEqual([{ param: 'parameters.code', message: 'parameters.code must match pattern "^(a+)+$"' }]);
    expect(elapsed).toBeLessThan(1_000);
  });

  it.each([
    ['a lookahead', { properties: { code: { pattern: '^(?=a)a$' } } }, 'parameters.properties.code.pattern', /RE2/],
    ['a backreference', { properties: { code: { pattern: '^(a)\\1$' } } }, 'parameters.properties.code.pattern', /RE2/],
    ['a lookahead in patternProperties', { patternProperties: { '^(?!x)': { type: 'string' } } }, 'parameters.patternProperties.^(?!x)', /RE2/],
    ['a pattern too large to run cheaply', { properties: { code: { pattern: '^.{1,1000}$' } } }, 'parameters.properties.code.pattern', /is too large/],
  ])('refuses %s', async (_, parameters, param, message) => {
    const response = await createTemplate(parameters);

    expect(response.status).toBe(400);
    expect(response.body.params).toHaveLength(1);
    expect(response.body.params[0].param).toBe(param);
    expect(response.body.params[0].message).toMatch(message);
  });

  it.each([
    ['format', { properties: { when: { type: 'string', format: 'date' } } }, 'parameters.properties.when.format'],
    ['a keyword draft-07 does not have', { unevaluatedProperties: false }, 'parameters.unevaluatedProperties'],
    ['a $id below the root', { properties: { a: { $id: 'https://example.com/a', type: 'string' } } }, 'parameters.properties.a.$id'],
    ['another draft', { $schema: 'https://json-schema.org/draft/2020-12/schema' }, 'parameters.$schema'],
    ['uniqueItems on items of any type', { type: 'array', uniqueItems: true }, 'parameters.uniqueItems'],
    ['definitions below the root', { items: { definitions: { a: true } } }, 'parameters.items.definitions'],
  ])('refuses %s, naming the keyword', async (_, parameters, param) => {
    const response = await createTemplate(parameters);

    expect(response.status).toBe(400);
    expect(response.body.params.map((p: { param: string }) => p.param)).toEqual([param]);
    expect(response.body.params[0].message.startsWith(`${param} `)).toBe(true);
  });

  it('refuses the same on update, leaving the template as it was', async () => {
    const reference = uniqueReference('update');
    await createTemplate({ type: 'object' }, org.testKey, reference);

    const refused = await post(`/task_templates/${reference}`, { parameters: { $ref: '#' } });
    const after = await call('GET', `/task_templates/${reference}`, { key: org.testKey });

    expect(refused.status).toBe(400);
    expect(refused.body.params[0].param).toBe('parameters.$ref');
    expect(after.body).toMatchObject({ version: 1, parameters: { type: 'object' } });
  });
});

describe('template references in the path', () => {
  it('are held to the rule of created references, so a version item is never read as a template', async () => {
    const reference = uniqueReference('pathref');
    await createTemplate({ type: 'object' }, org.testKey, reference);
    await post(`/task_templates/${reference}`, { name: 'Second' });

    const versionItem = await call('GET', `/task_templates/${reference}%23v000001`, { key: org.testKey });
    const updateVersionItem = await post(`/task_templates/${reference}%23v000001`, { name: 'Third' });
    const taskOnVersionItem = await createTask(`${reference}#v000001`, {});
    const tooLong = await call('GET', `/task_templates/${'a'.repeat(1_100)}`, { key: org.testKey });
    const latest = await call('GET', `/task_templates/${reference}`, { key: org.testKey });

    expect(versionItem.status).toBe(404);
    expect(versionItem.body.code).toBe('resource_not_found');
    expect(updateVersionItem.status).toBe(404);
    expect(taskOnVersionItem.status).toBe(400);
    expect(taskOnVersionItem.body.code).toBe('task_template_not_found');
    expect(tooLong.status).toBe(404);
    expect(latest.body).toMatchObject({ version: 2, name: 'Second' });
  });
});
