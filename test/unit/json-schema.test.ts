import { describe, expect, it } from 'vitest';
import { SCHEMA_LIMITS, schemaErrors, schemaProblems } from '#shared/api/json-schema';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const params = (problems: { param: string }[]) => problems.map((p) => p.param);

/** Milliseconds a call takes. */
function timed(run: () => unknown): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

describe('the subset a template schema may use', () => {
  it('accepts every allowed keyword, with local references and RE2 patterns', () => {
    const schema = {
      $id: 'https://example.com/intake',
      $schema: 'http://json-schema.org/draft-07/schema#',
      $comment: 'An intake form',
      title: 'Intake',
      type: 'object',
      definitions: { code: { type: 'string', pattern: '^[A-Z]{3}-\\d{4}$', minLength: 8, maxLength: 8 } },
      $defs: { positive: { type: 'number', exclusiveMinimum: 0, multipleOf: 0.5 } },
      properties: {
        code: { $ref: '#/definitions/code' },
        dose: { $ref: '#/$defs/positive', maximum: 100, default: 1, examples: [1, 2] },
        tags: { type: 'array', items: { type: 'string' }, uniqueItems: true, minItems: 1, maxItems: 5, contains: { const: 'urgent' } },
        pair: { type: 'array', items: [{ type: 'string' }, { type: 'integer' }], additionalItems: false },
        unit: { enum: ['mg', 'ml'], readOnly: false, writeOnly: false, description: 'Unit' },
        notes: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        choice: { oneOf: [{ const: 1 }, { const: 2 }], not: { const: 3 } },
        extra: { if: { type: 'string' }, then: { minLength: 1 }, else: { type: 'number', minimum: 0, maximum: 9, exclusiveMaximum: 10 } },
        map: { type: 'object', propertyNames: { pattern: '^[a-z]+$' }, patternProperties: { '^x_': { type: 'boolean' } }, additionalProperties: false, minProperties: 0, maxProperties: 9 },
      },
      required: ['code'],
      dependencies: { dose: ['unit'], notes: { required: ['code'] } },
      allOf: [true],
    };

    expect(schemaProblems(schema)).toEqual([]);
    expect(schemaErrors(schema, { code: 'ABC-1234', dose: 2.5, unit: 'mg', tags: ['urgent'] }, 'parameters')).toEqual([]);
    expect(schemaErrors(schema, { code: 'abc', dose: 2.5 }, 'parameters')).toEqual([
      { param: 'parameters.unit', message: 'parameters.unit is required when parameters.dose is present' },
      { param: 'parameters.code', message: 'parameters.code must NOT have fewer than 8 characters' },
      { param: 'parameters.code', message: 'parameters.code must match pattern "^[A-Z]{3}-\\d{4}$"' },
    ]);
  });

  it.each([
    ['a remote reference', { $ref: 'https://org-a.example/intake' }, 'parameters.$ref', 'must be #/definitions/<name> or #/$defs/<name>'],
    ['a reference into another $id', { properties: { a: { $ref: 'https://org-a.example/intake#/definitions/a' } } }, 'parameters.properties.a.$ref', 'must be #/definitions/<name>'],
    ['a reference to the whole schema', { $ref: '#' }, 'parameters.$ref', 'must be #/definitions/<name>'],
    ['a reference to a property', { properties: { a: { type: 'string' }, b: { $ref: '#/properties/a' } } }, 'parameters.properties.b.$ref', 'must be #/definitions/<name>'],
    ['a dangling reference', { $ref: '#/$defs/none' }, 'parameters.$ref', 'points to no definition'],
    ['a cycle', { $defs: { a: { not: { $ref: '#/$defs/a' } } }, $ref: '#/$defs/a' }, 'parameters.$defs.a.not.$ref', 'recursive schemas are not supported'],
    ['a $id below the root', { items: { $id: 'https://example.com/x' } }, 'parameters.items.$id', 'is allowed only at the root'],
    ['another draft', { $schema: 'http://json-schema.org/draft-04/schema#' }, 'parameters.$schema', 'only draft-07'],
    ['format', { format: 'email' }, 'parameters.format', 'is not a supported keyword: formats are not checked here; use pattern'],
    ['a later draft keyword', { prefixItems: [] }, 'parameters.prefixItems', 'is not a supported keyword'],
    ['a misspelt keyword', { properties: { a: { maxlength: 3 } } }, 'parameters.properties.a.maxlength', 'is not a supported keyword'],
    ['a content keyword', { contentMediaType: 'text/html' }, 'parameters.contentMediaType', 'content keywords'],
    ['uniqueItems on objects', { items: { type: 'object' }, uniqueItems: true }, 'parameters.uniqueItems', 'linear time'],
    ['a lookbehind', { pattern: '(?<=a)b' }, 'parameters.pattern', 'RE2'],
    ['a backreference', { propertyNames: { pattern: '(a)\\1' } }, 'parameters.propertyNames.pattern', 'RE2'],
    ['a JavaScript-only escape', { pattern: '\\u00e9' }, 'parameters.pattern', 'RE2'],
    ['a long pattern', { pattern: 'a'.repeat(201) }, 'parameters.pattern', 'at most 200 characters'],
    ['a pattern with a large program', { pattern: '[a-z]{600}[a-z]{600}' }, 'parameters.pattern', 'is too large'],
    ['not JSON Schema', { required: 'name' }, 'parameters.required', 'is not valid JSON Schema (draft-07)'],
    ['an empty enum', { enum: [] }, 'parameters.enum', 'must NOT have fewer than 1 items'],
  ])('refuses %s, naming the keyword', (_, schema, param, message) => {
    const problems = schemaProblems(schema);

    expect(problems).toEqual([{ param, message: expect.stringContaining(message) }]);
    expect(problems[0]!.message.startsWith(`${param} `)).toBe(true);
    // A schema refused at save is refused at use too: never compiled, never a 500.
    expect(schemaErrors(schema, {}, 'parameters')).toBeUndefined();
  });

  it('names the refused keywords at once, 50 at most', () => {
    const schema = { properties: Object.fromEntries(range(80).map((i) => [`p${i}`, { format: 'date' }])) };

    const named = params(schemaProblems(schema));

    expect(named).toHaveLength(50);
    expect(named.every((param) => /^parameters\.properties\.p\d+\.format$/.test(param))).toBe(true);
  });

  it('gives an $id no meaning outside its schema: the same $id in two schemas, each by its own content', () => {
    const first = { $id: 'https://example.com/shared', required: ['first'], properties: { first: { pattern: '^1$' } } };
    const second = { $id: 'https://example.com/shared', required: ['second'] };

    for (let round = 0; round < 2; round++) {
      expect(schemaErrors(first, {}, 'parameters')).toEqual([{ param: 'parameters.first', message: 'parameters.first is required' }]);
      expect(schemaErrors(second, {}, 'parameters')).toEqual([{ param: 'parameters.second', message: 'parameters.second is required' }]);
    }
  });

  it('validates the same schema alike whatever order its keys come in', () => {
    const ordered = { $id: 'https://example.com/order', type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } }, required: ['a', 'b'] };
    const shuffled = { required: ['a', 'b'], properties: { b: { type: 'integer' }, a: { type: 'string' } }, type: 'object', $id: 'https://example.com/order' };

    expect(schemaErrors(ordered, { b: 'x' }, 'parameters')).toEqual(schemaErrors(shuffled, { b: 'x' }, 'parameters'));
    expect(schemaErrors(shuffled, { a: 'x', b: 1 }, 'parameters')).toEqual([]);
  });

  it('takes only a value’s own properties, so constructor or toString are not there by inheritance', () => {
    const schema = { properties: { constructor: { type: 'string' } }, required: ['toString'] };

    expect(schemaErrors(schema, {}, 'parameters')).toEqual([{ param: 'parameters.toString', message: 'parameters.toString is required' }]);
    expect(schemaErrors(schema, { toString: 1, constructor: 'x' }, 'parameters')).toEqual([]);
  });
});

describe('the limits that keep compiling and validating cheap', () => {
  it('refuses a schema too large or too deep, without walking it further', () => {
    let deep: object = { type: 'string' };
    for (let i = 0; i < 5_000; i++) deep = { not: deep };
    const wide = { enum: range(30_000) };

    expect(schemaProblems(deep)).toEqual([
      { param: expect.stringMatching(/^parameters(\.not){30}$/), message: expect.stringContaining('is nested deeper than 30 levels') },
    ]);
    expect(schemaProblems(wide)).toEqual([{ param: 'parameters', message: 'parameters can be at most 20000 bytes of JSON' }]);
  });

  it('counts a $ref as the keywords of its definition, so references cannot multiply work unseen', () => {
    const definitions: Record<string, unknown> = { d0: { minimum: 0 } };
    for (let i = 1; i < 60; i++) definitions[`d${i}`] = { allOf: [{ $ref: `#/definitions/d${i - 1}` }, { $ref: `#/definitions/d${i - 1}` }] };

    const problems = schemaProblems({ definitions, $ref: '#/definitions/d59' });

    expect(problems).toEqual([{ param: 'parameters', message: expect.stringContaining(`at most ${SCHEMA_LIMITS.keywords} keywords`) }]);
  });

  it('bounds the keywords applied to every element or property', () => {
    const schema = { type: 'array', items: { allOf: range(SCHEMA_LIMITS.repeatedKeywords).map(() => ({ minimum: 0 })) } };

    expect(schemaProblems(schema)).toEqual([{ param: 'parameters', message: expect.stringContaining('keywords under items') }]);
  });

  it('bounds the RE2 program of all the patterns together', () => {
    const schema = { anyOf: range(6).map(() => ({ pattern: '[a-z]{200}' })) };

    expect(schemaProblems(schema)).toEqual([{ param: 'parameters', message: expect.stringContaining('RE2 instructions in all') }]);
  });

  it('answers a catastrophic-backtracking pattern at once', () => {
    const schema = { properties: { code: { pattern: '^(a+)+$' } } };

    let errors;
    const elapsed = timed(() => (errors = schemaErrors(schema, { code: `${'a'.repeat(31)}!` }, 'parameters')));

    expect(errors).toEqual([{ param: 'parameters.code', message: 'parameters.code must match pattern "^(a+)+$"' }]);
    expect(elapsed).toBeLessThan(1_000);
  });

  // The heaviest schemas the limits let through, against the largest parameters a task takes (64 KB).
  it.each([
    ['plain keywords on every element', { type: 'array', items: { allOf: range(98).map(() => ({ minimum: 0 })) } }, range(32_000).map(() => 0)],
    ['patterns on every element', { type: 'array', items: { allOf: range(9).map((i) => ({ pattern: `^(a|b${i})+$` })) } }, range(21_000).map(() => 'a')],
    ['the largest pattern program on one long string', { pattern: '(?i)\\pL{998}' }, 'ab'.repeat(32_000)],
    ['an enum of objects on every element', { items: { enum: range(99).map((a) => ({ a })) } }, range(8_000).map(() => ({ a: 98 }))],
    ['an enum of scalars on every element', { items: { enum: range(490).map((i) => `v${i}`) } }, range(16_000).map(() => 'v489')],
    ['alternatives failing on every element', { items: { anyOf: range(48).map(() => ({ type: 'string', minLength: 1 })) } }, range(32_000).map(() => 0)],
    ['the most keywords', { oneOf: range(499).map((i) => ({ const: i })) }, 5],
    ['unique scalar items', { uniqueItems: true, items: { type: 'number' } }, range(13_000)],
  ])('saves and validates %s within a second', (_, schema, value) => {
    const elapsed = timed(() => {
      expect(schemaProblems(schema)).toEqual([]);
      schemaErrors(schema, value, 'parameters');
    });

    expect(elapsed).toBeLessThan(1_000);
  });

  it('names at most the first error when every element could fail many ways, and every error otherwise', () => {
    const schema = { items: { anyOf: range(48).map(() => ({ type: 'string' })) } };

    const large = schemaErrors(schema, range(32_000).map(() => 0), 'parameters')!;
    const small = schemaErrors(schema, [0, 0], 'parameters')!;

    expect(large.length).toBeLessThanOrEqual(49);
    expect(large.at(-1)).toEqual({ param: 'parameters.0', message: 'parameters.0 must match a schema in anyOf' });
    expect(small).toHaveLength(50);
  });
});
