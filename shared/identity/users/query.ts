import { RE2JS } from 're2js';
import { normalizeEmail } from '#shared/identity/logins/keys';
import type { UserAttributes } from '#shared/identity/users/resource';
import { errors } from '#shared/platform/errors';

/**
 * OS1's `query` parameter of `GET /v1/users/`: a JSON object in Elasticsearch's query form
 * (`match`, `term`, `terms`, `range`, `regexp`, `exists`, `fuzzy`, `prefix`; an array of them
 * means all must hold), parsed and checked once, then run against one user at a time. Pure: no
 * store, no clock. docs/people-query.md gives each operator's exact meaning.
 *
 * Everything a caller sends is bounded before it is run: the text's length, the number of
 * clauses and of `terms` values, a `regexp`'s length and RE2 program (RE2 runs in time linear in
 * the value, so no pattern can stall the function), a `fuzzy` value's length. Matching one user
 * costs a few operations per clause and value.
 */
export const QUERY_LIMITS = {
  textLength: 4096,
  clauses: 20,
  terms: 100,
  /** regexp and fuzzy clauses together: they cost the most per character of the operators. */
  costly: 5,
  patternLength: 200,
  patternProgram: 1_000,
  fuzzyLength: 100,
  customKeyLength: 50,
} as const;

export const OPERATORS = ['match', 'term', 'terms', 'range', 'regexp', 'exists', 'fuzzy', 'prefix'] as const;
export type Operator = (typeof OPERATORS)[number];

/** The user a query runs against: the management API's `users` resource. */
export interface QueryUser {
  id: string;
  attributes: UserAttributes;
}

/** `text` fields hold strings, `boolean` ones true or false; `object` fields are only for `exists`. */
type FieldKind = 'text' | 'boolean' | 'object';

interface Field {
  kind: FieldKind;
  /** The field's values in one user, null ones left out; an array's elements one by one. */
  read(user: QueryUser): readonly unknown[];
}

const present = (value: unknown): unknown[] => (value === null || value === undefined ? [] : [value]);
const attribute = (user: QueryUser, name: string): unknown =>
  Object.hasOwn(user.attributes ?? {}, name) ? (user.attributes as unknown as Record<string, unknown>)[name] : undefined;
const elements = (value: unknown): unknown[] => (Array.isArray(value) ? value.filter((element) => element !== null && element !== undefined) : present(value));
const part = (value: unknown, name: string): unknown =>
  typeof value === 'object' && value !== null && Object.hasOwn(value, name) ? (value as Record<string, unknown>)[name] : undefined;

const TEXT_ATTRIBUTES = [
  'email',
  'first-name',
  'middle-name',
  'last-name',
  'phone',
  'locale',
  'external-ref',
  'state',
  'registration-invite',
  'last-login-time',
  'date-created',
  'last-modified-time',
  'organization-id',
  'created-by',
  'designation',
  'category',
  'employment-type',
  'manager',
  'identification',
  'sub-function',
  'file-id',
] as const;

const FIELDS = new Map<string, Field>([
  ['id', { kind: 'text', read: (user) => present(user.id) }],
  ...TEXT_ATTRIBUTES.map((name): [string, Field] => [name, { kind: 'text', read: (user) => present(attribute(user, name)) }]),
  ['enabled', { kind: 'boolean', read: (user) => present(attribute(user, 'enabled')) }],
  ['work-locations', { kind: 'text', read: (user) => elements(attribute(user, 'work-locations')) }],
  ...(['primary-mobile', 'secondary-mobile'] as const).flatMap((mobile): [string, Field][] => [
    [mobile, { kind: 'object', read: (user) => present(attribute(user, mobile)) }],
    ...(['country-code', 'number'] as const).map((name): [string, Field] => [
      `${mobile}.${name}`,
      { kind: 'text', read: (user) => present(part(attribute(user, mobile), name)) },
    ]),
  ]),
  ['roles', { kind: 'object', read: (user) => elements(attribute(user, 'roles')) }],
  ...(['id', 'name', 'display-name'] as const).map((name): [string, Field] => [
    `roles.${name}`,
    { kind: 'text', read: (user) => elements(attribute(user, 'roles')).map((role) => part(role, name)).filter((value) => value !== null && value !== undefined) },
  ]),
  [
    'attributes',
    { kind: 'object', read: (user) => { const custom = attribute(user, 'attributes'); return custom && typeof custom === 'object' && Object.keys(custom).length ? [custom] : []; } },
  ],
]);

/** Custom fields are named `attributes.<key>`. */
export const CUSTOM_FIELD_PREFIX = 'attributes.';

/** The fields a query may name, besides `attributes.<key>`; `primary-mobile`, `secondary-mobile`, `roles` and `attributes` only in `exists`. */
export const QUERY_FIELDS: readonly string[] = [...FIELDS.keys()];

function customField(key: string): Field {
  return { kind: 'text', read: (user) => present(part(attribute(user, 'attributes'), key)) };
}

/** One checked clause: the field it reads and whether those values satisfy it. */
export interface QueryClause {
  readonly operator: Operator;
  readonly field: string;
  readonly read: (user: QueryUser) => readonly unknown[];
  /** `words` splits a value as `tokens` does, once per value however many clauses ask. */
  readonly test: (values: readonly unknown[], words: (value: string) => readonly string[]) => boolean;
}

/** A parsed, checked query: every clause must hold. */
export interface UserQuery {
  readonly clauses: readonly QueryClause[];
}

/** Whether one user matches: every clause holds. */
export function matchesUserQuery(query: UserQuery, user: QueryUser): boolean {
  let split: Map<string, readonly string[]> | undefined;
  const words = (value: string) => {
    split ??= new Map();
    let known = split.get(value);
    if (!known) split.set(value, (known = tokens(value)));
    return known;
  };
  return query.clauses.every((clause) => clause.test(clause.read(user), words));
}

/** What is wrong with one clause, named by its JSON path. */
class Refusal {
  constructor(readonly message: string) {}
}

const refuse = (path: string, problem: string): never => {
  throw new Refusal(`${path} ${problem}`);
};

const COSTLY: readonly Operator[] = ['regexp', 'fuzzy'];

const refused = (message: string) => errors.invalidParams([{ param: 'query', message, in: 'query' }]);

/** Parses the `query` parameter's text; 400 (errors.invalidParams, param 'query', in: 'query') naming what is wrong. */
export function parseUserQuery(text: string): UserQuery {
  if (typeof text !== 'string' || text.trim() === '') throw refused('query must be a JSON object such as {"match":{"first-name":"ana"}}, or an array of them');
  if (text.length > QUERY_LIMITS.textLength) throw refused(`query can be at most ${QUERY_LIMITS.textLength} characters (this one: ${text.length})`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw refused('query is not valid JSON: send a JSON object such as {"match":{"first-name":"ana"}}, or an array of them');
  }
  const sources: [unknown, string][] = Array.isArray(parsed) ? parsed.map((clause, index) => [clause, `query[${index}]`]) : [[parsed, 'query']];
  if (Array.isArray(parsed) && (parsed.length === 0 || parsed.length > QUERY_LIMITS.clauses)) {
    throw refused(`query as an array must hold 1 to ${QUERY_LIMITS.clauses} clauses (this one: ${parsed.length})`);
  }
  const clauses: QueryClause[] = [];
  const problems: string[] = [];
  for (const [source, path] of sources) {
    try {
      const clause = parseClause(source, path);
      if (COSTLY.includes(clause.operator) && clauses.filter((other) => COSTLY.includes(other.operator)).length >= QUERY_LIMITS.costly) {
        refuse(`${path}.${clause.operator}`, `is one clause too many: a query can have at most ${QUERY_LIMITS.costly} regexp and fuzzy clauses together`);
      }
      clauses.push(clause);
    } catch (error) {
      // A refusal names the path; anything else is still the caller's query, never a 5xx.
      problems.push(error instanceof Refusal ? error.message : `${path} could not be read: ${(error as Error)?.message ?? 'unknown error'}`);
    }
  }
  if (problems.length) throw errors.invalidParams(problems.map((message) => ({ param: 'query', message, in: 'query' })));
  return { clauses };
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A key as a path segment: plain keys dotted, others quoted; long ones cut short. */
function segment(key: string): string {
  const shown = key.length > 60 ? `${key.slice(0, 60)}…` : key;
  return /^[\p{L}\p{N}_.-]+$/u.test(key) ? `.${shown}` : `[${JSON.stringify(shown)}]`;
}

const OPERATOR_LIST = OPERATORS.join(', ');

function parseClause(source: unknown, path: string): QueryClause {
  if (!isObject(source)) refuse(path, `must be an object with one operator (${OPERATOR_LIST})`);
  const keys = Object.keys(source as Json);
  if (keys.length !== 1) refuse(path, `must have exactly one operator (${OPERATOR_LIST}); it has ${keys.length}`);
  const operator = keys[0]!;
  const at = `${path}${segment(operator)}`;
  if (!(OPERATORS as readonly string[]).includes(operator)) refuse(at, `is not an operator: use one of ${OPERATOR_LIST}`);
  const body = (source as Json)[operator];
  if (operator === 'exists') return parseExists(body, at);
  if (!isObject(body)) refuse(at, 'must be an object naming one field');
  const fields = Object.keys(body as Json);
  if (fields.length !== 1) refuse(at, `must name exactly one field; it names ${fields.length}`);
  const name = fields[0]!;
  const fieldPath = `${at}${segment(name)}`;
  const field = resolveField(name, fieldPath);
  const spec = (body as Json)[name];
  const build = BUILDERS[operator as Exclude<Operator, 'exists'>];
  if (field.kind === 'object') refuse(fieldPath, `is an object: ${operator} needs one of its parts (${partsOf(name)}); only exists takes the whole`);
  if (field.kind === 'boolean' && operator !== 'term' && operator !== 'terms') refuse(fieldPath, `is true or false: use term, terms or exists`);
  const test = build(spec, fieldPath, field.kind, name === 'email');
  return { operator: operator as Operator, field: name, read: field.read, test };
}

function partsOf(name: string): string {
  return name === 'attributes' ? 'attributes.<key>' : QUERY_FIELDS.filter((field) => field.startsWith(`${name}.`)).join(', ');
}

function resolveField(name: string, path: string): Field {
  const known = FIELDS.get(name);
  if (known) return known;
  if (name.startsWith(CUSTOM_FIELD_PREFIX)) {
    const key = name.slice(CUSTOM_FIELD_PREFIX.length);
    if (key === '' || key.length > QUERY_LIMITS.customKeyLength) refuse(path, `must name a custom attribute key of 1 to ${QUERY_LIMITS.customKeyLength} characters`);
    return customField(key);
  }
  return refuse(path, `is not a field a query can name: use one of ${QUERY_FIELDS.join(', ')} or attributes.<key>`);
}

function parseExists(body: unknown, at: string): QueryClause {
  if (!isObject(body) || Object.keys(body).length !== 1 || !Object.hasOwn(body, 'field')) refuse(at, 'must be {"field": "<field name>"}');
  const name = (body as Json).field;
  if (typeof name !== 'string' || name === '') refuse(`${at}.field`, 'must be the name of a field');
  const field = resolveField(name as string, `${at}.field`);
  return { operator: 'exists', field: name as string, read: field.read, test: (values) => values.some((value) => value !== '') };
}

/** A clause's value check: the value itself, or an object of these options (`value` or `query` required). */
function options(spec: unknown, path: string, required: string, allowed: readonly string[]): Json {
  if (!isObject(spec)) return { [required]: spec };
  for (const key of Object.keys(spec)) {
    if (!allowed.includes(key)) refuse(`${path}${segment(key)}`, `is not an option here: use ${allowed.join(', ')}`);
  }
  if (!Object.hasOwn(spec, required)) refuse(path, `must have ${required}`);
  return spec;
}

function flag(spec: Json, name: string, path: string): boolean {
  if (!Object.hasOwn(spec, name)) return false;
  if (typeof spec[name] !== 'boolean') refuse(`${path}.${name}`, 'must be true or false');
  return spec[name] as boolean;
}

/** A value of the field's kind: a non-empty string, or true or false. */
function scalar(value: unknown, path: string, kind: FieldKind): string | boolean {
  if (kind === 'boolean') {
    if (typeof value !== 'boolean') refuse(path, 'must be true or false');
    return value as boolean;
  }
  if (typeof value !== 'string') refuse(path, 'must be a string (every field but enabled holds text)');
  if (value === '') refuse(path, 'must not be empty (use exists to find values that are missing or empty)');
  return value as string;
}

const text = (value: unknown): value is string => typeof value === 'string';

/** Lower-cased words: split on everything that is not a letter, combining mark or digit. */
export function tokens(value: string): string[] {
  return value
    .toLowerCase()
    .split(/[^\p{L}\p{M}\p{N}]+/u)
    .filter((token) => token !== '');
}

type Builder = (spec: unknown, path: string, kind: FieldKind, isEmail: boolean) => QueryClause['test'];

const BUILDERS: Record<Exclude<Operator, 'exists'>, Builder> = {
  match(spec, path) {
    const options_ = options(spec, path, 'query', ['query', 'operator']);
    const query = options_.query;
    if (typeof query !== 'string') refuse(`${path}.query`, 'must be a string');
    const words = [...new Set(tokens(query as string))];
    if (!words.length) refuse(isObject(spec) ? `${path}.query` : path, 'has no words to match (letters or digits)');
    let all = false;
    if (Object.hasOwn(options_, 'operator')) {
      const operator = options_.operator;
      if (typeof operator !== 'string' || !['or', 'and'].includes(operator.toLowerCase())) refuse(`${path}.operator`, "must be 'or' or 'and'");
      all = (operator as string).toLowerCase() === 'and';
    }
    return (values, split) =>
      values.some((value) => {
        if (!text(value)) return false;
        const have = split(value);
        return all ? words.every((word) => have.includes(word)) : have.some((word) => words.includes(word));
      });
  },

  term(spec, path, kind, isEmail) {
    const options_ = options(spec, path, 'value', ['value', 'case_insensitive']);
    const valuePath = isObject(spec) ? `${path}.value` : path;
    const value = scalar(options_.value, valuePath, kind);
    const insensitive = flag(options_, 'case_insensitive', path);
    if (typeof value === 'boolean') return (values) => values.includes(value);
    const wanted = insensitive ? value.toLowerCase() : isEmail ? normalizeEmail(value) : value;
    return (values) => values.some((have) => text(have) && (insensitive ? have.toLowerCase() : have) === wanted);
  },

  terms(spec, path, kind, isEmail) {
    if (!Array.isArray(spec) || spec.length === 0 || spec.length > QUERY_LIMITS.terms) {
      refuse(path, `must be an array of 1 to ${QUERY_LIMITS.terms} values`);
    }
    const wanted = new Set((spec as unknown[]).map((value, index) => {
      const checked = scalar(value, `${path}[${index}]`, kind);
      return typeof checked === 'string' && isEmail ? normalizeEmail(checked) : checked;
    }));
    return (values) => values.some((have) => wanted.has(have as string | boolean));
  },

  range(spec, path, _kind, isEmail) {
    const bounds = ['gt', 'gte', 'lt', 'lte'] as const;
    if (!isObject(spec)) refuse(path, 'must be an object with at least one of gt, gte, lt, lte');
    for (const key of Object.keys(spec as Json)) {
      if (!(bounds as readonly string[]).includes(key)) refuse(`${path}${segment(key)}`, 'is not a bound: use gt, gte, lt or lte');
    }
    const given = bounds.filter((bound) => Object.hasOwn(spec as Json, bound));
    if (!given.length) refuse(path, 'must have at least one of gt, gte, lt, lte');
    const limits = given.map((bound) => {
      const value = (spec as Json)[bound];
      if (typeof value !== 'string') refuse(`${path}.${bound}`, 'must be a string: every field but enabled holds text, compared character by character (ISO timestamps sort in time order)');
      return [bound, isEmail ? normalizeEmail(value as string) : (value as string)] as const;
    });
    const within = (have: string) =>
      limits.every(([bound, limit]) =>
        bound === 'gt' ? have > limit : bound === 'gte' ? have >= limit : bound === 'lt' ? have < limit : have <= limit,
      );
    return (values) => values.some((have) => text(have) && within(have));
  },

  regexp(spec, path) {
    const options_ = options(spec, path, 'value', ['value', 'case_insensitive']);
    const valuePath = isObject(spec) ? `${path}.value` : path;
    const pattern = options_.value;
    if (typeof pattern !== 'string' || pattern === '') refuse(valuePath, 'must be a non-empty pattern');
    if ((pattern as string).length > QUERY_LIMITS.patternLength) {
      refuse(valuePath, `can be at most ${QUERY_LIMITS.patternLength} characters (this one: ${(pattern as string).length})`);
    }
    const insensitive = flag(options_, 'case_insensitive', path);
    // RE2 compiles in time proportional to its program, and `x{1000}` is a thousand copies of x:
    // a pattern whose counted repetitions already promise too large a program is not compiled.
    const estimate = programEstimate(pattern as string);
    if (estimate > QUERY_LIMITS.patternProgram) {
      refuse(valuePath, `is too large: its counted repetitions expand to about ${estimate} RE2 instructions, at most ${QUERY_LIMITS.patternProgram}`);
    }
    let compiled: RE2JS;
    try {
      compiled = RE2JS.compile(pattern as string, RE2JS.DOTALL | (insensitive ? RE2JS.CASE_INSENSITIVE : 0));
    } catch (error) {
      return refuse(valuePath, `is not a pattern RE2 can run (RE2 has no lookaround or backreferences): ${(error as Error)?.message ?? 'invalid'}`);
    }
    const program = compiled.programSize();
    if (program > QUERY_LIMITS.patternProgram) {
      refuse(valuePath, `is too large: RE2 compiles it to ${program} instructions, at most ${QUERY_LIMITS.patternProgram}`);
    }
    const matches = remembered((have: string) => compiled.testExact(have));
    return (values) => values.some((have) => text(have) && matches(have));
  },

  fuzzy(spec, path) {
    const options_ = options(spec, path, 'value', ['value', 'fuzziness']);
    const valuePath = isObject(spec) ? `${path}.value` : path;
    const value = options_.value;
    if (typeof value !== 'string' || value === '') refuse(valuePath, 'must be a non-empty string');
    const wanted = codePoints((value as string).toLowerCase());
    if (wanted.length > QUERY_LIMITS.fuzzyLength) refuse(valuePath, `can be at most ${QUERY_LIMITS.fuzzyLength} characters (this one: ${wanted.length})`);
    let edits = autoFuzziness(wanted.length);
    if (Object.hasOwn(options_, 'fuzziness')) {
      const fuzziness = options_.fuzziness;
      if (typeof fuzziness === 'string' && fuzziness.toUpperCase() === 'AUTO') edits = autoFuzziness(wanted.length);
      else if ([0, 1, 2, '0', '1', '2'].includes(fuzziness as number | string)) edits = Number(fuzziness);
      else refuse(`${path}.fuzziness`, "must be 0, 1, 2 or 'AUTO'");
    }
    const near = remembered((candidate: string) => withinEdits(wanted, codePoints(candidate), edits));
    return (values, split) =>
      values.some((have) => {
        if (!text(have)) return false;
        return near(have.toLowerCase()) || split(have).some(near);
      });
  },

  prefix(spec, path, _kind, isEmail) {
    const options_ = options(spec, path, 'value', ['value', 'case_insensitive']);
    const valuePath = isObject(spec) ? `${path}.value` : path;
    const value = scalar(options_.value, valuePath, 'text') as string;
    const insensitive = flag(options_, 'case_insensitive', path);
    const wanted = insensitive ? value.toLowerCase() : isEmail ? normalizeEmail(value) : value;
    return (values) => values.some((have) => text(have) && (insensitive ? have.toLowerCase() : have).startsWith(wanted));
  },
};

/**
 * About how many instructions RE2 compiles a pattern to, read from its text alone: every
 * character, escape or class counts one, a group two more than what it holds, and `{n,m}` repeats
 * what precedes it m times (n+1 when unbounded), an optional copy costing one more. It is close
 * to RE2's count for what matters here; the compiled program is measured exactly afterwards. A syntax error only skews the estimate: RE2 refuses it anyway.
 */
export function programEstimate(pattern: string): number {
  const groups: number[] = [0];
  const captures: boolean[] = [];
  let last = 0;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\') {
      i++;
      // \p{Greek} and \x{263a} are one atom; \Q...\E a literal of its characters.
      if (pattern[i] === 'Q') {
        const end = pattern.indexOf('\\E', i);
        const literal = (end === -1 ? pattern.length : end) - i - 1;
        i = end === -1 ? pattern.length : end + 1;
        groups[groups.length - 1]! += literal;
        last = 1;
        continue;
      }
      if ((pattern[i] === 'p' || pattern[i] === 'P' || pattern[i] === 'x') && pattern[i + 1] === '{') i = closing(pattern, i + 1, '}');
      else if (pattern[i] === 'p' || pattern[i] === 'P') i++;
      last = 1;
    } else if (char === '[') {
      i = classEnd(pattern, i);
      last = 1;
    } else if (char === '(') {
      // (?i) sets flags and holds nothing; (?:x) and (?i:x) group without capturing.
      const flags = /^\(\?[a-zA-Z-]*([:)])/.exec(pattern.slice(i, i + 12));
      if (flags?.[1] === ')') {
        i += flags[0].length - 1;
        continue;
      }
      captures.push(!flags);
      if (flags) i += flags[0].length - 1;
      groups.push(0);
      last = 0;
      continue;
    } else if (char === ')') {
      // A capture costs two instructions around what it holds.
      last = groups.length > 1 ? groups.pop()! + (captures.pop() ? 2 : 0) : 0;
    } else if (char === '{') {
      const match = /^\{(\d{1,4})(,(\d{0,4}))?\}/.exec(pattern.slice(i, i + 11));
      if (match) {
        // x{n} is n copies of x; each optional copy of x{n,m} and the starred one of x{n,} one more.
        const least = Number(match[1]);
        const total =
          match[2] === undefined ? last * least : match[3] ? last * least + (Math.max(Number(match[3]), least) - least) * (last + 1) : last * (least + 1) + 1;
        groups[groups.length - 1]! += total - last;
        last = total;
        i += match[0].length - 1;
        continue;
      }
      last = 1;
    } else if (char === '|' || char === '*' || char === '+' || char === '?') {
      groups[groups.length - 1]! += 1;
      continue;
    } else {
      last = 1;
    }
    groups[groups.length - 1]! += last;
  }
  return groups.reduce((sum, size) => sum + size, 0);
}

/** The index of the `close` that ends what opens at `open`, or the end of the text. */
function closing(pattern: string, open: number, close: string): number {
  const at = pattern.indexOf(close, open);
  return at === -1 ? pattern.length : at;
}

/** The index of the `]` that ends the class opening at `open` (`]` first is a member; `[:alpha:]` nests). */
function classEnd(pattern: string, open: number): number {
  let i = open + 1;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === '[' && pattern[i + 1] === ':') i = closing(pattern, i + 2, ']');
    else if (pattern[i] === ']') return i;
  }
  return pattern.length;
}

/**
 * A clause's answers for the strings it has seen: names, roles and places repeat from user to
 * user, so most are answered once per query. Bounded: at most 10,000 strings of up to 200
 * characters are kept.
 */
function remembered(answer: (value: string) => boolean): (value: string) => boolean {
  const known = new Map<string, boolean>();
  return (value) => {
    let result = known.get(value);
    if (result === undefined) {
      result = answer(value);
      if (known.size < 10_000 && value.length <= 200) known.set(value, result);
    }
    return result;
  };
}

/** A string's characters as code points; the string itself when it has no surrogate pairs, to spare an array. */
function codePoints(value: string): ArrayLike<string> {
  return /[\uD800-\uDFFF]/.test(value) ? Array.from(value) : value;
}

/** Elasticsearch's AUTO: exact for 1 or 2 characters, one edit for 3 to 5, two for more. */
function autoFuzziness(length: number): number {
  return length <= 2 ? 0 : length <= 5 ? 1 : 2;
}

/** withinEdits' three rows of distances, reused from call to call (a value is at most 100 characters). */
let rows = Array.from({ length: 3 }, () => new Int32Array(QUERY_LIMITS.fuzzyLength + 4));

/**
 * Whether two strings (as code points) are at most `edits` apart, counting an insertion, a
 * deletion, a substitution or a swap of two neighbours as one edit (optimal string alignment,
 * as Elasticsearch's transpositions). Only the band of cells within `edits` of the diagonal is
 * computed, and the work stops once a row is past `edits`: O(length x edits).
 */
export function withinEdits(a: ArrayLike<string>, b: ArrayLike<string>, edits: number): boolean {
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > edits) return false;
  if (edits === 0) {
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  const far = edits + 1;
  // Three rows, reused from call to call; a row is read only where it was written for this pair.
  if (rows[0]!.length < m + 2) rows = rows.map(() => new Int32Array(m + 2));
  let [before, previous, current] = rows as [Int32Array, Int32Array, Int32Array];
  before.fill(far, 0, m + 2);
  previous.fill(far, 0, m + 2);
  for (let j = 0; j <= Math.min(m, edits); j++) previous[j] = j;
  for (let i = 1; i <= n; i++) {
    const low = Math.max(1, i - edits);
    const high = Math.min(m, i + edits);
    current[low - 1] = low - 1 === 0 ? Math.min(i, far) : far;
    if (high + 1 <= m) current[high + 1] = far;
    let best = current[low - 1]!;
    for (let j = low; j <= high; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) distance = Math.min(distance, before[j - 2]! + 1);
      current[j] = Math.min(distance, far);
      if (current[j]! < best) best = current[j]!;
    }
    if (best > edits) return false;
    [before, previous, current] = [previous, current, before];
  }
  return previous[m]! <= edits;
}
