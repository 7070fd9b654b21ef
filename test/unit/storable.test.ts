import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { assertFits, constructorKeysAsMaps, OBJECT_LIMITS } from '#shared/platform/db';
import { OsmaError } from '#shared/platform/errors';
import { listQuery } from '#shared/api/schemas';
import { bodyProblems, FREE_FORM_LIMITS, itemSize, MAX_BODY_DEPTH, storableProblems } from '#shared/platform/storable';
import { parseInput } from '#shared/http/validation';

/** `levels` objects, one inside the other, the innermost holding 1. */
const nested = (levels: number): unknown => (levels === 0 ? 1 : { a: nested(levels - 1) });
const nestedArrays = (levels: number): unknown => (levels === 0 ? 1 : [nestedArrays(levels - 1)]);

const params = (problems: { path: (string | number)[] }[]) => problems.map(({ path }) => ['data', ...path].join('.'));

describe('storable free-form JSON', () => {
  it('accepts keys that name members of Object.prototype, and numbers at the edges of the range', () => {
    const value = {
      constructor: { name: 'String' },
      toString: 1,
      hasOwnProperty: 'x',
      valueOf: [true, null],
      numbers: [0, -0, 1e-130, -1e-130, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0.1, 1.5e-100],
      ['k'.repeat(FREE_FORM_LIMITS.keyLength)]: 'long key, at the limit',
    };

    expect(storableProblems(value, 'data')).toEqual([]);
  });

  it('names each empty or too long key by its object, and a __proto__ key by itself', () => {
    const value = JSON.parse(
      `{"": 1, "inner": {"__proto__": {"x": 1}, "list": [{"": 2}]}, "${'k'.repeat(FREE_FORM_LIMITS.keyLength + 1)}": 3}`,
    );

    const problems = storableProblems(value, 'data');

    expect(problems.map(({ message }) => message)).toEqual([
      'data has an empty key: keys must be at least one character',
      'data.inner.__proto__ is not allowed: __proto__ cannot be a key',
      'data.inner.list.0 has an empty key: keys must be at least one character',
      `data has a key of ${FREE_FORM_LIMITS.keyLength + 1} characters: keys can be at most ${FREE_FORM_LIMITS.keyLength}`,
    ]);
    expect(params(problems)).toEqual(['data', 'data.inner.__proto__', 'data.inner.list.0', 'data']);
  });

  it('refuses numbers a double or DynamoDB cannot hold as sent: beyond ±(2^53 - 1), infinite, non-zero under 1e-130', () => {
    const value = { big: 2 ** 53, negative: -(2 ** 53), infinite: JSON.parse('1e309'), tiny: 1e-131, list: [5e-324] };

    const problems = storableProblems(value, 'data');

    expect(params(problems)).toEqual(['data.big', 'data.negative', 'data.infinite', 'data.tiny', 'data.list.0']);
    expect(problems[0]!.message).toBe('data.big must be a number between -9007199254740991 and 9007199254740991');
    expect(problems[3]!.message).toBe('data.tiny must be 0 or at least 1e-130 in magnitude');
  });

  it(`takes ${FREE_FORM_LIMITS.depth} levels of objects or arrays, counting the field itself, and refuses one more`, () => {
    expect(storableProblems(nested(FREE_FORM_LIMITS.depth), 'data')).toEqual([]);
    expect(storableProblems(nestedArrays(FREE_FORM_LIMITS.depth), 'data')).toEqual([]);

    const tooDeep = storableProblems(nested(FREE_FORM_LIMITS.depth + 1), 'data');
    const tooDeepArrays = storableProblems(nestedArrays(FREE_FORM_LIMITS.depth + 1), 'data');

    expect(tooDeep).toHaveLength(1);
    expect(tooDeep[0]!.path).toHaveLength(FREE_FORM_LIMITS.depth);
    expect(tooDeep[0]!.message).toMatch(/is nested too deeply: data can nest objects and arrays at most 30 levels$/);
    expect(tooDeepArrays).toHaveLength(1);
  });

  it('reports at most ten problems', () => {
    expect(storableProblems(Array.from({ length: 1000 }, () => 1e309), 'data')).toHaveLength(10);
  });
});

describe('request bodies', () => {
  it('may not hold a __proto__ key anywhere, which JSON.parse keeps and objects built from it lose', () => {
    const body = JSON.parse('{"a": [{"b": {"__proto__": 1}}], "__proto__": {"c": 1}}');

    expect(bodyProblems(body).map(({ param }) => param)).toEqual(['a.0.b.__proto__', '__proto__']);
  });

  it(`nest at most ${MAX_BODY_DEPTH} levels, and a body nested far deeper is named without running out of stack`, () => {
    expect(bodyProblems(nested(MAX_BODY_DEPTH))).toEqual([]);

    const problems = bodyProblems(JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`));

    expect(problems).toHaveLength(1);
    expect(problems[0]!.param.split('.')).toHaveLength(MAX_BODY_DEPTH);
    expect(problems[0]!.message).toMatch(/is nested too deeply: a request body can nest at most 64 levels$/);
  });
});

describe('query parameters named like members of Object.prototype', () => {
  it('are unknown parameters to the shared request parsing, a 400 and no fault', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      // As API Gateway hands them over: a JSON object with the name as an own key.
      const query = JSON.parse(`{"${name}": "1"}`);

      expect(() => parseInput(listQuery, query)).toThrow(OsmaError);
      try {
        parseInput(listQuery, query);
      } catch (error) {
        expect((error as OsmaError).status).toBe(400);
        expect((error as OsmaError).params).toEqual([{ param: name, message: `Received unknown parameter: ${name}` }]);
      }
    }
  });
});

describe('item size', () => {
  // Each case was measured against DynamoDB Local: the largest item it took was 409,600 bytes
  // by this count (a 400 KB item, with pk "P" and sk "S": 6 bytes).
  const keys = { pk: 'P', sk: 'S' };
  const strings = (count: number) => Array.from({ length: count }, () => 'x');

  it('counts attribute names and UTF-8 values, maps and lists with 3 bytes and one per element', () => {
    expect(itemSize({ ...keys, a: 'x'.repeat(409_593) })).toBe(409_600);
    expect(itemSize({ ...keys, a: { b: 'x'.repeat(409_588) } })).toBe(409_600);
    expect(itemSize({ ...keys, a: [...strings(1000), 'x'.repeat(407_589)] })).toBe(409_600);
    expect(itemSize({ ...keys, a: [...Array.from({ length: 1000 }, () => true), 'x'.repeat(407_589)] })).toBe(409_600);
    expect(itemSize({ ...keys, a: [...Array.from({ length: 1000 }, () => ({})), 'x'.repeat(405_589)] })).toBe(409_600);
    expect(itemSize({ ...keys, a: '€' })).toBe(6 + 1 + 3);
  });

  it('counts numbers as one byte per two significant digits and one more, at their worst alignment', () => {
    expect(itemSize({ ...keys, a: [...Array.from({ length: 1000 }, () => 1), 'x'.repeat(406_589)] })).toBe(409_600);
    expect(itemSize({ ...keys, a: [...Array.from({ length: 1000 }, () => 123), 'x'.repeat(405_589)] })).toBe(409_600);
    expect(itemSize({ ...keys, a: [...Array.from({ length: 1000 }, () => 1.5e-100), 'x'.repeat(405_589)] })).toBe(409_600);
    expect(itemSize({ ...keys, a: [...Array.from({ length: 1000 }, () => 12345678901234567), 'x'.repeat(398_589)] })).toBe(
      409_600,
    );
  });

  it('leaves out undefined values, as the document client does', () => {
    expect(itemSize({ ...keys, a: undefined, b: { c: undefined } })).toBe(6 + 1 + 3);
  });
});

describe('the document client with keys named constructor', () => {
  it('gets objects with an own constructor key as Maps, and everything else untouched', () => {
    const plain = { a: [{ b: 1 }], c: 'x' };
    const hostile = JSON.parse('{"a": [{"constructor": {"name": "String"}}], "c": {"constructor": "x", "d": {"e": 1}}}');

    expect(constructorKeysAsMaps(plain)).toBe(plain);
    const converted = constructorKeysAsMaps(hostile);
    expect(converted.c).toBeInstanceOf(Map);
    expect(converted.a[0]).toBeInstanceOf(Map);
    expect(hostile.c).not.toBeInstanceOf(Map);
  });

  it('so that they are marshalled as maps and read back as they were sent', () => {
    const hostile = JSON.parse('{"a": [{"constructor": {"name": "String"}}], "c": {"constructor": "x", "toString": 1}}');

    const stored = marshall(constructorKeysAsMaps(hostile), { removeUndefinedValues: true });

    expect(stored.a).toEqual({ L: [{ M: { constructor: { M: { name: { S: 'String' } } } } }] });
    expect(unmarshall(stored)).toEqual(hostile);
  });
});

describe('the object size guard', () => {
  const object = (data: string, metadata = '') => ({ id: 'task_1', status: 'ready', data, metadata });
  const item = (o: object) => ({ pk: 'ORG#x#test#TASK', sk: 'task_1', ...o });
  const refusal = (run: () => void) => {
    try {
      run();
    } catch (error) {
      return error as OsmaError;
    }
    throw new Error('not refused');
  };

  it('takes an object whose items and JSON fit, and names what the request sent that makes it large, largest first', () => {
    const fits = object('x'.repeat(300_000));
    const large = object('x'.repeat(300_000), 'y'.repeat(200_000));

    expect(() => assertFits('task', fits, [item(fits)], ['data'])).not.toThrow();
    const error = refusal(() => assertFits('task', large, [item(large), item(large)], ['metadata', 'data']));

    expect(error.status).toBe(400);
    expect(error.params?.map(({ param }) => param)).toEqual(['data']);
    expect(error.message).toMatch(/^The task would take \d+ bytes, more than the 408576 bytes one task can take\. Make data smaller\.$/);
  });

  it('keeps headroom from a change of content, and lets a change of status alone use it', () => {
    const edge = object('x'.repeat(OBJECT_LIMITS.bytes - OBJECT_LIMITS.answerRecordOverhead - 500));

    expect(refusal(() => assertFits('task', edge, [item(edge)], ['data'])).params).toEqual([
      { param: 'data', message: expect.stringMatching(/^data takes \d+ bytes of the task$/) },
    ]);
    expect(() => assertFits('task', edge, [item(edge)], ['status'])).not.toThrow();
    expect(() => assertFits('task', edge, [item(edge)], [])).not.toThrow();
  });

  it('holds the JSON of the answer to the same limit, since an idempotency record keeps it', () => {
    // Control characters take one byte stored and six as JSON (\u0001).
    const escaped = object('\u0001'.repeat(70_000));

    expect(itemSize(item(escaped))).toBeLessThan(80_000);
    expect(refusal(() => assertFits('task', escaped, [item(escaped)], ['data'])).params?.[0]?.param).toBe('data');
  });
});
