import { describe, expect, it } from 'vitest';
import { userAttributes, type UserAttributes } from '#shared/identity/users/resource';
import { matchesUserQuery, parseUserQuery, programEstimate, QUERY_FIELDS, QUERY_LIMITS, withinEdits, type QueryUser } from '#shared/identity/users/query';
import { OsmaError } from '#shared/platform/errors';

function user(id: string, overrides: Partial<UserAttributes> = {}): QueryUser {
  return {
    id,
    attributes: {
      email: 'ana.silva@example.com',
      'first-name': 'Ana',
      'middle-name': null,
      'last-name': 'Silva-Pereira',
      phone: null,
      locale: null,
      'external-ref': 'EMP-0042',
      state: 'active:available',
      enabled: true,
      'registration-invite': 'accepted',
      roles: [{ id: 'role_01pharm', name: 'pharmacist', 'display-name': 'Senior Pharmacist' }],
      'last-login-time': null,
      'date-created': '2024-03-05T10:00:00.000Z',
      'last-modified-time': '2024-06-01T08:30:00.000Z',
      'organization-id': 'org_1',
      'created-by': null,
      designation: 'Pharmacist',
      category: 'regular',
      'employment-type': 'full-time',
      'primary-mobile': { 'country-code': '+91', number: '9876543210' },
      'secondary-mobile': null,
      'work-locations': ['Bengaluru North', 'Mysuru'],
      manager: null,
      identification: null,
      'sub-function': '',
      'file-id': null,
      attributes: { team: 'Night Shift', badge: 'B-7' },
      ...overrides,
    },
  };
}

const ana = user('usr_ana');
const bo = user('usr_bo', {
  email: 'bo@example.com',
  'first-name': 'Bo',
  'last-name': 'Öberg',
  state: 'deboarding:notice',
  enabled: true,
  roles: [],
  'date-created': '2023-12-31T23:59:59.000Z',
  designation: null,
  'primary-mobile': null,
  'work-locations': [],
  attributes: {},
});
const inactive = user('usr_cy', { email: 'cy@example.com', 'first-name': 'Cyrus', state: 'inactive:deactivated', enabled: false });

const matches = (query: unknown, who: QueryUser = ana) => matchesUserQuery(parseUserQuery(JSON.stringify(query)), who);

/** The messages of the 400 a query text gets; fails the test when it is accepted. */
function refusal(text: string): string[] {
  try {
    parseUserQuery(text);
  } catch (error) {
    expect(error).toBeInstanceOf(OsmaError);
    const refused = error as OsmaError;
    expect(refused.status).toBe(400);
    expect(refused.params?.every((param) => param.param === 'query' && param.in === 'query')).toBe(true);
    return refused.params!.map((param) => param.message);
  }
  throw new Error(`accepted: ${text}`);
}
const refusalOf = (query: unknown) => refusal(JSON.stringify(query));

function timed(run: () => unknown): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

describe('the fields a query can name', () => {
  it('cover every attribute of the users resource', () => {
    expect(Object.keys(userAttributes.shape).filter((name) => !QUERY_FIELDS.includes(name))).toEqual([]);
    expect(QUERY_FIELDS).toContain('id');
    expect(QUERY_FIELDS).toEqual(expect.arrayContaining(['primary-mobile.number', 'roles.name', 'roles.display-name', 'roles.id']));
  });
});

describe('match', () => {
  it('finds any word of the query among the words of the field, in any case', () => {
    expect(matches({ match: { 'last-name': 'pereira' } })).toBe(true);
    expect(matches({ match: { 'last-name': 'SILVA' } })).toBe(true);
    expect(matches({ match: { 'last-name': 'costa pereira' } })).toBe(true);
    expect(matches({ match: { 'last-name': 'costa' } })).toBe(false);
    expect(matches({ match: { 'last-name': 'silv' } })).toBe(false);
  });

  it('with operator and, needs every word', () => {
    expect(matches({ match: { 'last-name': { query: 'Pereira silva', operator: 'and' } } })).toBe(true);
    expect(matches({ match: { 'last-name': { query: 'pereira costa', operator: 'and' } } })).toBe(false);
    expect(matches({ match: { 'last-name': { query: 'pereira costa', operator: 'or' } } })).toBe(true);
  });

  it('splits on anything but letters and digits, Unicode aware', () => {
    expect(matches({ match: { 'last-name': 'öberg' } }, bo)).toBe(true);
    expect(matches({ match: { email: 'example' } })).toBe(true);
    expect(matches({ match: { state: 'active' } })).toBe(true);
    expect(matches({ match: { state: 'active' } }, bo)).toBe(false);
  });

  it('matches an array when one element holds the words', () => {
    expect(matches({ match: { 'work-locations': 'mysuru' } })).toBe(true);
    expect(matches({ match: { 'work-locations': { query: 'bengaluru north', operator: 'and' } } })).toBe(true);
    expect(matches({ match: { 'work-locations': { query: 'bengaluru mysuru', operator: 'and' } } })).toBe(false);
    expect(matches({ match: { 'work-locations': 'mysuru' } }, bo)).toBe(false);
    expect(matches({ match: { 'roles.display-name': 'senior' } })).toBe(true);
  });
});

describe('term and terms', () => {
  it('term is exact equality, case-sensitive', () => {
    expect(matches({ term: { 'external-ref': 'EMP-0042' } })).toBe(true);
    expect(matches({ term: { 'external-ref': 'emp-0042' } })).toBe(false);
    expect(matches({ term: { 'external-ref': { value: 'emp-0042', case_insensitive: true } } })).toBe(true);
    expect(matches({ term: { 'first-name': 'An' } })).toBe(false);
    expect(matches({ term: { state: 'active:available' } })).toBe(true);
    expect(matches({ term: { state: 'active' } })).toBe(false);
  });

  it('term on email lower-cases the value, as emails are stored', () => {
    expect(matches({ term: { email: 'Ana.Silva@Example.com' } })).toBe(true);
  });

  it('term on enabled compares booleans', () => {
    expect(matches({ term: { enabled: true } })).toBe(true);
    expect(matches({ term: { enabled: { value: false } } }, inactive)).toBe(true);
    expect(matches({ term: { enabled: false } })).toBe(false);
  });

  it('term on a nested and an array field', () => {
    expect(matches({ term: { 'primary-mobile.number': '9876543210' } })).toBe(true);
    expect(matches({ term: { 'primary-mobile.number': '9876543210' } }, bo)).toBe(false);
    expect(matches({ term: { 'roles.name': 'pharmacist' } })).toBe(true);
    expect(matches({ term: { 'roles.id': 'role_01pharm' } })).toBe(true);
    expect(matches({ term: { 'roles.name': 'pharmacist' } }, bo)).toBe(false);
    expect(matches({ term: { 'work-locations': 'Mysuru' } })).toBe(true);
    expect(matches({ term: { id: 'usr_ana' } })).toBe(true);
  });

  it('terms matches when any value equals', () => {
    expect(matches({ terms: { state: ['onboarding:invited', 'active:available'] } })).toBe(true);
    expect(matches({ terms: { state: ['onboarding:invited', 'inactive:deactivated'] } })).toBe(false);
    expect(matches({ terms: { enabled: [false] } }, inactive)).toBe(true);
    expect(matches({ terms: { email: ['BO@example.com'] } }, bo)).toBe(true);
  });

  it('custom fields are attributes.<key>', () => {
    expect(matches({ term: { 'attributes.team': 'Night Shift' } })).toBe(true);
    expect(matches({ match: { 'attributes.team': 'night' } })).toBe(true);
    expect(matches({ term: { 'attributes.team': 'Night Shift' } }, bo)).toBe(false);
    expect(matches({ term: { 'attributes.constructor': 'x' } })).toBe(false);
    expect(matches({ exists: { field: 'attributes.toString' } })).toBe(false);
  });
});

describe('range', () => {
  it('compares text bounds character by character, so ISO timestamps in time order', () => {
    expect(matches({ range: { 'date-created': { gte: '2024-01-01T00:00:00.000Z' } } })).toBe(true);
    expect(matches({ range: { 'date-created': { gte: '2024-01-01T00:00:00.000Z' } } }, bo)).toBe(false);
    expect(matches({ range: { 'date-created': { gt: '2024-03-05T10:00:00.000Z' } } })).toBe(false);
    expect(matches({ range: { 'date-created': { gte: '2024-03-05T10:00:00.000Z', lt: '2024-04' } } })).toBe(true);
    expect(matches({ range: { 'date-created': { lte: '2024' } } })).toBe(false);
    expect(matches({ range: { 'last-login-time': { gte: '2000' } } })).toBe(false);
  });
});

describe('regexp', () => {
  it('must match the whole value, case-sensitive unless asked', () => {
    expect(matches({ regexp: { 'external-ref': 'EMP-\\d{4}' } })).toBe(true);
    expect(matches({ regexp: { 'external-ref': 'EMP' } })).toBe(false);
    expect(matches({ regexp: { 'external-ref': 'emp-.*' } })).toBe(false);
    expect(matches({ regexp: { 'external-ref': { value: 'emp-.*', case_insensitive: true } } })).toBe(true);
    expect(matches({ regexp: { 'roles.name': 'pharm.*' } })).toBe(true);
    expect(matches({ regexp: { email: '[a-z.]+@example\\.com' } })).toBe(true);
  });

  it('runs a catastrophic pattern in linear time', () => {
    const query = parseUserQuery(JSON.stringify({ regexp: { 'attributes.blob': '(a+)+$' } }));
    const victim = user('usr_v', { attributes: { blob: `${'a'.repeat(10_000)}!` } });
    let result = true;
    const elapsed = timed(() => (result = matchesUserQuery(query, victim)));
    expect(result).toBe(false);
    expect(elapsed).toBeLessThan(200);
  });
});

describe('exists', () => {
  it('is true for a value that is present and not empty', () => {
    expect(matches({ exists: { field: 'designation' } })).toBe(true);
    expect(matches({ exists: { field: 'designation' } }, bo)).toBe(false);
    expect(matches({ exists: { field: 'sub-function' } })).toBe(false);
    expect(matches({ exists: { field: 'work-locations' } })).toBe(true);
    expect(matches({ exists: { field: 'work-locations' } }, bo)).toBe(false);
    expect(matches({ exists: { field: 'primary-mobile' } })).toBe(true);
    expect(matches({ exists: { field: 'primary-mobile' } }, bo)).toBe(false);
    expect(matches({ exists: { field: 'roles' } }, bo)).toBe(false);
    expect(matches({ exists: { field: 'attributes' } })).toBe(true);
    expect(matches({ exists: { field: 'attributes' } }, bo)).toBe(false);
    expect(matches({ exists: { field: 'attributes.badge' } })).toBe(true);
    expect(matches({ exists: { field: 'enabled' } }, inactive)).toBe(true);
  });
});

describe('fuzzy', () => {
  it('finds a word within the edits AUTO allows for the value length', () => {
    expect(matches({ fuzzy: { 'first-name': 'anna' } })).toBe(true);
    expect(matches({ fuzzy: { 'last-name': 'pereria' } })).toBe(true);
    expect(matches({ fuzzy: { 'last-name': 'pireira' } })).toBe(true);
    expect(matches({ fuzzy: { 'last-name': 'pxrxira' } })).toBe(true);
    expect(matches({ fuzzy: { 'last-name': 'pxrxxra' } })).toBe(false);
    expect(matches({ fuzzy: { 'first-name': 'an' } })).toBe(false);
    expect(matches({ fuzzy: { 'first-name': 'bo' } }, bo)).toBe(true);
  });

  it('takes fuzziness 0, 1, 2 or AUTO', () => {
    expect(matches({ fuzzy: { 'last-name': { value: 'pereria', fuzziness: 0 } } })).toBe(false);
    expect(matches({ fuzzy: { 'last-name': { value: 'pereria', fuzziness: 1 } } })).toBe(true);
    expect(matches({ fuzzy: { 'first-name': { value: 'an', fuzziness: '1' } } })).toBe(true);
    expect(matches({ fuzzy: { 'first-name': { value: 'anaaa', fuzziness: 'auto' } } })).toBe(false);
  });

  it('counts characters as code points', () => {
    const happy = user('usr_h', { attributes: { mood: 'happy' } });
    expect(matches({ fuzzy: { 'attributes.mood': 'h😀ppy' } }, happy)).toBe(true);
    expect(matches({ fuzzy: { 'attributes.mood': { value: 'h😀ppy', fuzziness: 0 } } }, happy)).toBe(false);
  });

  it('also compares the whole value', () => {
    expect(matches({ fuzzy: { email: 'ana.silva@exmple.com' } })).toBe(true);
  });

  it('agrees with a full optimal string alignment table on random pairs, one call after another', () => {
    const full = (a: string[], b: string[]) => {
      const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
      for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
          d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
          if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
        }
      }
      return d[a.length]![b.length]!;
    };
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const word = () => Array.from({ length: random(9) }, () => 'abc'[random(3)]!);
    for (let round = 0; round < 5000; round++) {
      const [a, b, edits] = [word(), word(), random(3)];
      expect(withinEdits(a, b, edits), `${a.join('')} ${b.join('')} ${edits}`).toBe(full(a, b) <= edits);
    }
  });

  it('counts edits as optimal string alignment', () => {
    const chars = (text: string) => Array.from(text);
    const cases: [string, string, number][] = [
      ['kitten', 'sitting', 3],
      ['ca', 'ac', 1],
      ['abcdef', 'abcdef', 0],
      ['abc', '', 3],
      ['ab', 'ba', 1],
      ['abcd', 'badc', 2],
      ['ça', 'ca', 1],
      ['😀a', 'a😀', 1],
      ['x😀', 'x', 1],
    ];
    for (const [a, b, distance] of cases) {
      for (let edits = 0; edits <= 2; edits++) expect(withinEdits(chars(a), chars(b), edits), `${a} ${b} ${edits}`).toBe(distance <= edits);
    }
  });
});

describe('prefix', () => {
  it('is a case-sensitive start of the stored value', () => {
    expect(matches({ prefix: { state: 'active:' } })).toBe(true);
    expect(matches({ prefix: { state: 'active:' } }, bo)).toBe(false);
    expect(matches({ prefix: { 'first-name': 'an' } })).toBe(false);
    expect(matches({ prefix: { 'first-name': { value: 'an', case_insensitive: true } } })).toBe(true);
    expect(matches({ prefix: { email: 'ANA.' } })).toBe(true);
    expect(matches({ prefix: { 'secondary-mobile.number': '98' } })).toBe(false);
  });
});

describe('an array of clauses', () => {
  it('needs every clause to hold', () => {
    expect(matches([{ prefix: { state: 'active:' } }, { term: { 'roles.name': 'pharmacist' } }])).toBe(true);
    expect(matches([{ prefix: { state: 'active:' } }, { term: { 'roles.name': 'admin' } }])).toBe(false);
    expect(matches([{ term: { 'roles.name': 'admin' } }, { prefix: { state: 'active:' } }])).toBe(false);
  });
});

describe('a query that is refused', () => {
  it('is not JSON, empty, too long, or not a clause', () => {
    expect(refusal('')).toEqual([expect.stringMatching(/^query must be a JSON object/)]);
    expect(refusal('{match:')).toEqual([expect.stringMatching(/^query is not valid JSON/)]);
    expect(refusal(JSON.stringify({ match: { 'first-name': 'a'.repeat(QUERY_LIMITS.textLength) } }))).toEqual([
      expect.stringMatching(/^query can be at most 4096 characters/),
    ]);
    expect(refusalOf('match')).toEqual([expect.stringMatching(/^query must be an object with one operator/)]);
    expect(refusalOf(null)).toEqual([expect.stringMatching(/^query must be an object/)]);
    expect(refusalOf({})).toEqual([expect.stringMatching(/^query must have exactly one operator .* it has 0/)]);
    expect(refusalOf({ term: { id: 'a' }, match: { id: 'a' } })).toEqual([expect.stringMatching(/^query must have exactly one operator .* it has 2/)]);
    expect(refusalOf([])).toEqual([expect.stringMatching(/^query as an array must hold 1 to 20 clauses/)]);
    expect(refusalOf(Array.from({ length: 21 }, () => ({ term: { id: 'a' } })))).toEqual([expect.stringMatching(/this one: 21/)]);
    expect(refusalOf([[{ term: { id: 'a' } }]])).toEqual([expect.stringMatching(/^query\[0\] must be an object/)]);
  });

  it('names an unknown operator, field or option by its path', () => {
    expect(refusalOf({ bool: { must: [] } })).toEqual([expect.stringMatching(/^query\.bool is not an operator/)]);
    expect(refusalOf([{ term: { id: 'a' } }, { term: { salary: 'a' } }])).toEqual([expect.stringMatching(/^query\[1\]\.term\.salary is not a field/)]);
    expect(refusalOf({ term: { id: 'a', email: 'b' } })).toEqual(['query.term must name exactly one field; it names 2']);
    expect(refusalOf({ term: {} })).toEqual(['query.term must name exactly one field; it names 0']);
    expect(refusalOf({ match: { id: { query: 'a', fuzziness: 1 } } })).toEqual([expect.stringMatching(/^query\.match\.id\.fuzziness is not an option here/)]);
    expect(refusalOf({ term: { 'attributes.': 'a' } })).toEqual([expect.stringMatching(/^query\.term\.attributes\. must name a custom attribute key/)]);
    expect(refusalOf({ term: { [`attributes.${'k'.repeat(51)}`]: 'a' } })).toEqual([expect.stringMatching(/must name a custom attribute key of 1 to 50/)]);
  });

  it('refuses wrong types and empty values', () => {
    expect(refusalOf({ term: { id: 5 } })).toEqual([expect.stringMatching(/^query\.term\.id must be a string/)]);
    expect(refusalOf({ term: { id: '' } })).toEqual([expect.stringMatching(/^query\.term\.id must not be empty/)]);
    expect(refusalOf({ term: { enabled: 'true' } })).toEqual(['query.term.enabled must be true or false']);
    expect(refusalOf({ term: { id: { value: 'a', case_insensitive: 'yes' } } })).toEqual(['query.term.id.case_insensitive must be true or false']);
    expect(refusalOf({ term: { id: {} } })).toEqual(['query.term.id must have value']);
    expect(refusalOf({ terms: { id: [] } })).toEqual([expect.stringMatching(/^query\.terms\.id must be an array of 1 to 100/)]);
    expect(refusalOf({ terms: { id: 'a' } })).toEqual([expect.stringMatching(/^query\.terms\.id must be an array/)]);
    expect(refusalOf({ terms: { id: Array.from({ length: 101 }, (_, i) => `u${i}`) } })).toEqual([expect.stringMatching(/must be an array of 1 to 100/)]);
    expect(refusalOf({ terms: { id: ['a', 7] } })).toEqual([expect.stringMatching(/^query\.terms\.id\[1\] must be a string/)]);
    expect(refusalOf({ match: { id: '!!' } })).toEqual([expect.stringMatching(/^query\.match\.id has no words/)]);
    expect(refusalOf({ match: { id: { query: 'a', operator: 'xor' } } })).toEqual(["query.match.id.operator must be 'or' or 'and'"]);
    expect(refusalOf({ match: { enabled: 'true' } })).toEqual([expect.stringMatching(/^query\.match\.enabled is true or false/)]);
    expect(refusalOf({ match: { 'primary-mobile': '98' } })).toEqual([expect.stringMatching(/^query\.match\.primary-mobile is an object: .*primary-mobile\.number/)]);
    expect(refusalOf({ prefix: { id: '' } })).toEqual([expect.stringMatching(/^query\.prefix\.id must not be empty/)]);
    expect(refusalOf({ exists: { field: 'nope' } })).toEqual([expect.stringMatching(/^query\.exists\.field is not a field/)]);
    expect(refusalOf({ exists: { designation: true } })).toEqual(['query.exists must be {"field": "<field name>"}']);
  });

  it('refuses a range without bounds, with unknown bounds or with bounds that are not text', () => {
    expect(refusalOf([{ term: { id: 'a' } }, { range: { 'date-created': {} } }])).toEqual(['query[1].range.date-created must have at least one of gt, gte, lt, lte']);
    expect(refusalOf({ range: { 'date-created': { from: '2024' } } })).toEqual([expect.stringMatching(/^query\.range\.date-created\.from is not a bound/)]);
    expect(refusalOf({ range: { 'date-created': { gte: 2024 } } })).toEqual([expect.stringMatching(/^query\.range\.date-created\.gte must be a string/)]);
    expect(refusalOf({ range: { enabled: { gte: 'a' } } })).toEqual([expect.stringMatching(/^query\.range\.enabled is true or false/)]);
    expect(refusalOf({ range: { 'date-created': '2024' } })).toEqual([expect.stringMatching(/^query\.range\.date-created must be an object/)]);
  });

  it('refuses a pattern RE2 cannot run, or one too long or too large', () => {
    expect(refusalOf({ regexp: { id: '(?=a)b' } })).toEqual([expect.stringMatching(/^query\.regexp\.id is not a pattern RE2 can run/)]);
    expect(refusalOf({ regexp: { id: '(a)\\1' } })).toEqual([expect.stringMatching(/is not a pattern RE2 can run/)]);
    expect(refusalOf({ regexp: { id: { value: '(' } } })).toEqual([expect.stringMatching(/^query\.regexp\.id\.value is not a pattern RE2 can run/)]);
    expect(refusalOf({ regexp: { id: 'a'.repeat(201) } })).toEqual([expect.stringMatching(/can be at most 200 characters/)]);
    expect(refusalOf({ regexp: { id: '((a{100}){100})' } })).toEqual([expect.stringMatching(/is not a pattern RE2 can run|is too large/)]);
    expect(refusalOf({ regexp: { id: '[a-z]{1000}' } })).toEqual([expect.stringMatching(/^query\.regexp\.id is too large: RE2 compiles it to \d+ instructions/)]);
    expect(refusalOf({ regexp: { id: { value: 'a', flags: 'ALL' } } })).toEqual([expect.stringMatching(/^query\.regexp\.id\.flags is not an option here/)]);
    expect(refusalOf({ regexp: { id: '' } })).toEqual([expect.stringMatching(/must be a non-empty pattern/)]);
  });

  it('refuses counted repetitions that would make a large program before compiling them', () => {
    // Compiling each of these takes RE2 tens of milliseconds; seventeen of them, seconds.
    const clauses = Array.from({ length: 17 }, () => ({ regexp: { id: 'a{1000}'.repeat(28) } }));
    let messages: string[] = [];
    const elapsed = timed(() => (messages = refusalOf(clauses)));
    expect(messages).toHaveLength(17);
    expect(new Set(messages.map((message) => message.replace(/^query\[\d+\]/, ''))).size).toBe(1);
    expect(messages[0]).toMatch(/^query\[0\]\.regexp\.id is too large: its counted repetitions expand to about 28000 RE2 instructions/);
    expect(elapsed).toBeLessThan(100);
  });

  it('estimates a program within a few instructions of what RE2 compiles', async () => {
    const { RE2JS } = await import('re2js');
    for (const pattern of ['abc', 'EMP-\\d{4}', '(ab){10}', '((a{10}){10}){10}', '(a|bc|def){200}', '[]a]{100}', '[[:alpha:]]{100}', '\\pL{1000}', '\\x{263a}{100}', '\\Qa{1000}\\E', '[a-z]{5,10}', 'a{3,}', 'a{0,1000}', '((a{1,10}){2,10}){3}', '(?:ab){300,}', '(?i)(?:a|b)*c{2,3}']) {
      const actual = RE2JS.compile(pattern, RE2JS.DOTALL).programSize();
      expect(Math.abs(programEstimate(pattern) - actual), pattern).toBeLessThanOrEqual(2);
    }
  });

  it('refuses more than 5 regexp and fuzzy clauses together', () => {
    const clauses = [...Array.from({ length: 3 }, (_, i) => ({ regexp: { id: `u${i}.*` } })), { fuzzy: { id: 'abc' } }, { fuzzy: { id: 'abd' } }, { regexp: { id: '.*' } }, { term: { id: 'a' } }, { fuzzy: { email: 'ana' } }];
    expect(refusalOf(clauses)).toEqual([
      'query[5].regexp is one clause too many: a query can have at most 5 regexp and fuzzy clauses together',
      'query[7].fuzzy is one clause too many: a query can have at most 5 regexp and fuzzy clauses together',
    ]);
    expect(parseUserQuery(JSON.stringify(clauses.slice(2))).clauses).toHaveLength(6);
  });

  it('refuses fuzzy values too long and fuzziness out of range', () => {
    expect(refusalOf({ fuzzy: { id: 'a'.repeat(101) } })).toEqual([expect.stringMatching(/^query\.fuzzy\.id can be at most 100 characters/)]);
    expect(refusalOf({ fuzzy: { id: { value: 'abc', fuzziness: 3 } } })).toEqual(["query.fuzzy.id.fuzziness must be 0, 1, 2 or 'AUTO'"]);
    expect(refusalOf({ fuzzy: { id: { value: 'abc', fuzziness: 'AUTO:3,6' } } })).toEqual(["query.fuzzy.id.fuzziness must be 0, 1, 2 or 'AUTO'"]);
  });

  it('names every bad clause of an array', () => {
    expect(refusalOf([{ term: { nope: 'a' } }, { term: { id: 'a' } }, { fuzzy: { id: 5 } }])).toEqual([
      expect.stringMatching(/^query\[0\]\.term\.nope is not a field/),
      expect.stringMatching(/^query\[2\]\.fuzzy\.id must be a non-empty string/),
    ]);
  });

  it('survives hostile keys and nesting without touching prototypes', () => {
    expect(refusal('{"__proto__":{"term":{"id":"a"}}}')).toEqual([expect.stringMatching(/^query\.__proto__ is not an operator/)]);
    expect(refusal('{"term":{"__proto__":"a"}}')).toEqual([expect.stringMatching(/^query\.term\.__proto__ is not a field/)]);
    expect(refusal('{"term":{"constructor":"a"}}')).toEqual([expect.stringMatching(/^query\.term\.constructor is not a field/)]);
    expect(refusal('{"constructor":{"id":"a"}}')).toEqual([expect.stringMatching(/^query\.constructor is not an operator/)]);
    expect(refusal('{"term":{"id":{"__proto__":{"value":"a"}}}}')).toEqual([expect.stringMatching(/^query\.term\.id\.__proto__ is not an option/)]);
    expect(refusal('{"exists":{"field":"toString"}}')).toEqual([expect.stringMatching(/^query\.exists\.field is not a field/)]);
    expect(refusal('{"term":{"":"a"}}')).toEqual([expect.stringMatching(/^query\.term\[""\] is not a field/)]);
    expect(refusal(`${'['.repeat(2000)}${']'.repeat(2000)}`)).toEqual([expect.stringMatching(/^query\[0\] must be an object/)]);
    expect(refusal(`{"term":{"id":${'['.repeat(2000)}${']'.repeat(2000)}}}`)).toEqual([expect.stringMatching(/^query\.term\.id must be a string/)]);
    expect(({} as Record<string, unknown>).value).toBeUndefined();
    const custom = { ...ana, attributes: { ...ana.attributes, attributes: JSON.parse('{"__proto__":"x"}') as Record<string, string> } };
    expect(matchesUserQuery(parseUserQuery('{"term":{"attributes.__proto__":"x"}}'), custom)).toBe(true);
    expect(matchesUserQuery(parseUserQuery('{"exists":{"field":"attributes.__proto__"}}'), ana)).toBe(false);
  });
});

describe('the cost of a query', () => {
  it('runs a 3-clause query over 10,000 users in memory', () => {
    const people = Array.from({ length: 10_000 }, (_, i) =>
      user(`usr_${i}`, {
        email: `person${i}@example.com`,
        'first-name': ['Ana', 'Bruno', 'Chitra', 'Dev'][i % 4]!,
        state: i % 3 ? 'active:available' : 'onboarding:invited',
        'date-created': new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
        attributes: { team: `Team ${i % 10}` },
      }),
    );
    const query = parseUserQuery(
      JSON.stringify([
        { prefix: { state: 'active:' } },
        { fuzzy: { 'first-name': 'chitraa' } },
        { range: { 'date-created': { gte: '2024-01-02T00:00:00.000Z' } } },
      ]),
    );
    let found = 0;
    const elapsed = timed(() => (found = people.filter((person) => matchesUserQuery(query, person)).length));
    const expected = people.filter((_, i) => i % 3 !== 0 && i % 4 === 2 && i >= 1440).length;
    expect(found).toBe(expected);
    console.log(`user-query: 3 clauses over 10,000 users in ${elapsed.toFixed(1)} ms (${found} match)`);
  });
});
