import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { ParamError } from '#shared/platform/errors';
import { RE2JS } from 're2js';

/**
 * Task templates may carry a JSON Schema (draft-07) for their tasks' parameters: the one place
 * where a consumer sends code-like input. So a schema is held to a subset of draft-07 that can
 * reach nothing outside itself and costs little to compile and to run whatever the parameters
 * (docs/task-templates.md says what and why):
 *
 * - every keyword is on an allow-list; `$ref` only to the schema's own root `definitions` or
 *   `$defs`, with no cycles; `$id` and `$schema` only at the root, where they are labels;
 * - patterns run on RE2, in time linear in the input, and a pattern RE2 cannot compile is refused;
 * - size, depth, keywords (a `$ref` counting what it points to), keywords applied to every
 *   element or property, and the RE2 program of the patterns are bounded.
 *
 * Every schema is compiled by an Ajv instance of its own that registers nothing, so no schema
 * can see, take or break another's `$id`. Checked and compiled schemas are kept per canonical
 * (key-sorted) text, which alone decides what they do: the same schema in any key order is
 * checked once, and no tenant can change another's result.
 */
export const SCHEMA_LIMITS = {
  bytes: 20_000,
  depth: 30,
  keywords: 500,
  repeatedKeywords: 100,
  patternLength: 200,
  patternProgram: 1_000,
};

/** A pattern weighs as much as this many keywords (RE2's cost per call); an enum one per this many scalar values. */
const PATTERN_WEIGHT = 10;
const SCALARS_PER_KEYWORD = 5;
/**
 * Every error is collected while (keywords applied to every element x bytes of the value) stays
 * under this, which bounds how many errors there can be; past it, the first error is named.
 */
const ALL_ERRORS_BUDGET = 100_000;
const MAX_REPORTED = 50;
const CACHE_SIZE = 64;
const PARAM = 'parameters';

type Kind =
  | 'annotation'
  | 'value'
  | 'enum'
  | 'pattern'
  | 'ref'
  | 'uniqueItems'
  | 'schema'
  | 'repeated' // a schema applied to every element or property
  | 'items'
  | 'schemas'
  | 'schemaMap'
  | 'dependencies'
  | 'patternProperties';

const KEYWORDS: Record<string, Kind> = {
  title: 'annotation',
  description: 'annotation',
  default: 'annotation',
  examples: 'annotation',
  $comment: 'annotation',
  readOnly: 'annotation',
  writeOnly: 'annotation',
  type: 'value',
  enum: 'enum',
  const: 'value',
  multipleOf: 'value',
  maximum: 'value',
  exclusiveMaximum: 'value',
  minimum: 'value',
  exclusiveMinimum: 'value',
  maxLength: 'value',
  minLength: 'value',
  pattern: 'pattern',
  items: 'items',
  additionalItems: 'repeated',
  maxItems: 'value',
  minItems: 'value',
  uniqueItems: 'uniqueItems',
  contains: 'repeated',
  maxProperties: 'value',
  minProperties: 'value',
  required: 'value',
  properties: 'schemaMap',
  patternProperties: 'patternProperties',
  additionalProperties: 'repeated',
  dependencies: 'dependencies',
  propertyNames: 'repeated',
  if: 'schema',
  then: 'schema',
  else: 'schema',
  allOf: 'schemas',
  anyOf: 'schemas',
  oneOf: 'schemas',
  not: 'schema',
  $ref: 'ref',
};

const ROOT_ONLY = ['$id', '$schema', 'definitions', '$defs'];
const DRAFT_07 = ['http://json-schema.org/draft-07/schema#', 'http://json-schema.org/draft-07/schema'];
const REF = /^#\/(definitions|\$defs)\/([A-Za-z0-9_.-]+)$/;
const SCALAR_TYPES = ['string', 'number', 'integer', 'boolean', 'null'];

/** Why keywords that draft-07 knows are still refused. */
const REFUSED: Record<string, string> = {
  format: 'formats are not checked here; use pattern',
  contentMediaType: 'content keywords are not checked here',
  contentEncoding: 'content keywords are not checked here',
};

interface Cost {
  /** Keywords, each `$ref` counting the definition it points to. */
  keywords: number;
  /** Of those, the ones applied to every element or property of a value. */
  repeated: number;
  /** The RE2 program size of the patterns, each `$ref` counting its definition's. */
  program: number;
}

const NO_COST: Cost = { keywords: 0, repeated: 0, program: 0 };
const ONE_KEYWORD: Cost = { keywords: 1, repeated: 0, program: 0 };

interface Usable {
  problems: [];
  /** The schema as compiled: its root `$id` and `$schema` are labels, and go. */
  schema: object;
  repeated: number;
  /** Compiled once here, for Ajv to use rather than compile again. */
  patterns: Map<string, RE2JS>;
  firstError?: ValidateFunction;
  allErrors?: ValidateFunction;
}

type Prepared = Usable | { problems: ParamError[] };

const cache = new Map<string, Prepared>();

/**
 * What keeps a schema from being a template's parameters schema, each named by its keyword
 * path; empty when it is usable, which includes compiling.
 */
export function schemaProblems(schema: object): ParamError[] {
  const prepared = prepare(schema);
  if (!isUsable(prepared)) return prepared.problems;
  const compiled = validator(prepared, false);
  return compiled instanceof Error ? [problem([], `could not be compiled: ${compiled.message}`)] : [];
}

/**
 * The errors of a value checked against a schema, named under `param`; undefined when the schema
 * is not usable (one saved before these rules).
 */
export function schemaErrors(schema: object, value: unknown, param: string): ParamError[] | undefined {
  const prepared = prepare(schema);
  if (!isUsable(prepared)) return undefined;
  const validate = validator(prepared, prepared.repeated * JSON.stringify(value).length <= ALL_ERRORS_BUDGET);
  if (validate instanceof Error) return undefined;
  if (validate(value)) return [];
  return (validate.errors ?? []).slice(0, MAX_REPORTED).map((error) => toParamError(error, param));
}

function isUsable(prepared: Prepared): prepared is Usable {
  return 'schema' in prepared;
}

function prepare(schema: object): Prepared {
  const shape = shapeProblem(schema);
  if (shape) return { problems: [shape] };
  const key = canonicalJson(schema);
  if (key.length > SCHEMA_LIMITS.bytes) return { problems: [problem([], TOO_LARGE)] };
  let prepared = cache.get(key);
  if (prepared) {
    // Most recently used last, so the first is the one to drop.
    cache.delete(key);
  } else {
    prepared = check(JSON.parse(key) as Record<string, unknown>);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  cache.set(key, prepared);
  return prepared;
}

const TOO_LARGE = `can be at most ${SCHEMA_LIMITS.bytes} bytes of JSON`;

/**
 * Too deep or too large, found without descending past the depth limit or reading more values
 * than the byte limit allows (each value takes at least a byte), so that nothing after it walks
 * a shape it cannot afford.
 */
function shapeProblem(schema: object): ParamError | undefined {
  let values = 0;
  const walk = (value: unknown, path: string[]): ParamError | undefined => {
    if (++values > SCHEMA_LIMITS.bytes) return problem([], TOO_LARGE);
    if (typeof value !== 'object' || value === null) return undefined;
    if (path.length >= SCHEMA_LIMITS.depth) return problem(path, `is nested deeper than ${SCHEMA_LIMITS.depth} levels`);
    for (const [key, child] of Object.entries(value)) {
      const found = walk(child, [...path, key]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(schema, []);
}

/**
 * The validator that names every error, or the one that stops at the first, compiled when first
 * needed (each costs as much to compile as the other); Ajv's error if it cannot compile the
 * schema, which the checks are there to prevent.
 */
function validator(prepared: Usable, allErrors: boolean): ValidateFunction | Error {
  const kept = allErrors ? prepared.allErrors : prepared.firstError;
  if (kept) return kept;
  try {
    const compiled = compile(prepared, allErrors);
    if (allErrors) prepared.allErrors = compiled;
    else prepared.firstError = compiled;
    return compiled;
  } catch (error) {
    return error as Error;
  }
}

function compile({ schema, patterns }: Usable, allErrors: boolean): ValidateFunction {
  const regExp = Object.assign((source: string) => patterns.get(source) ?? RE2JS.compile(source), { code: 'RE2JS.compile' });
  return new Ajv({
    allErrors,
    strict: false,
    logger: false,
    meta: false,
    validateSchema: false,
    addUsedSchema: false,
    // `constructor` and the like are properties only when the value has them itself.
    ownProperties: true,
    // An enum is checked by a loop rather than compiled to one expression per value.
    loopEnum: 8,
    // Ajv's optimizing passes cost more compile time than they save when validating.
    code: { regExp, optimize: false },
  }).compile(schema);
}

/** Compiled once per process: the draft-07 meta-schema, which is ours, never a tenant's. */
let metaSchema: ValidateFunction | undefined;

function check(root: Record<string, unknown>): Prepared {
  metaSchema ??= new Ajv({ strict: false, logger: false }).getSchema('http://json-schema.org/draft-07/schema')!;
  if (!metaSchema(root)) {
    const error = metaSchema.errors![0]!;
    return { problems: [problem(pointerPath(error.instancePath), `is not valid JSON Schema (draft-07): ${error.message}`)] };
  }
  const checker = new SchemaChecker(root);
  const cost = checker.root();
  if (checker.problems.length) return { problems: checker.problems.slice(0, MAX_REPORTED) };
  const limits: [number, number, string][] = [
    [cost.keywords, SCHEMA_LIMITS.keywords, `can have at most ${SCHEMA_LIMITS.keywords} keywords, counting a $ref as the keywords of its definition, a pattern as ${PATTERN_WEIGHT} and an enum as one per object or array value and one per ${SCALARS_PER_KEYWORD} other values`],
    [cost.repeated, SCHEMA_LIMITS.repeatedKeywords, `can have at most ${SCHEMA_LIMITS.repeatedKeywords} keywords under items, additionalItems, contains, additionalProperties, patternProperties and propertyNames, which apply to every element or property`],
    [cost.program, SCHEMA_LIMITS.patternProgram, `has patterns that compile to more than ${SCHEMA_LIMITS.patternProgram} RE2 instructions in all`],
  ];
  for (const [value, limit, message] of limits) {
    if (value > limit) return { problems: [problem([], `${message} (this one: ${value})`)] };
  }
  const { $id: _id, $schema: _schema, ...schema } = root;
  return { problems: [], schema, repeated: cost.repeated, patterns: checker.patterns };
}

/**
 * One walk over the schema: the allow-list, the references and patterns, and the cost. Each
 * definition is walked once, when first referred to, so a cycle shows as a reference to a
 * definition still being walked.
 */
class SchemaChecker {
  readonly problems: ParamError[] = [];
  private readonly definitions = new Map<string, Cost | 'walking'>();
  readonly patterns = new Map<string, RE2JS>();
  private compiledProgram = 0;

  constructor(private readonly schema: Record<string, unknown>) {}

  root(): Cost {
    const cost = this.node(this.schema, [], true);
    // Definitions nothing refers to cost nothing, but must still be well formed.
    for (const group of ['definitions', '$defs']) {
      for (const name of Object.keys(asObject(this.schema[group]))) this.definition(group, name, [group, name]);
    }
    return cost;
  }

  private node(schema: unknown, path: string[], isRoot = false): Cost {
    if (typeof schema === 'boolean') return ONE_KEYWORD;
    const node = schema as Record<string, unknown>;
    let cost = NO_COST;
    for (const [keyword, value] of Object.entries(node)) {
      const at = [...path, keyword];
      if (ROOT_ONLY.includes(keyword)) {
        if (!isRoot) this.refuse(at, 'is allowed only at the root of the schema');
        else if (keyword === '$schema' && !DRAFT_07.includes(value as string)) {
          this.refuse(at, `must be ${DRAFT_07[0]}: only draft-07 is supported`);
        }
        continue;
      }
      const kind = Object.hasOwn(KEYWORDS, keyword) ? KEYWORDS[keyword] : undefined;
      if (kind) cost = add(cost, this.keyword(kind, node, value, at));
      else this.refuse(at, `is not a supported keyword${Object.hasOwn(REFUSED, keyword) ? `: ${REFUSED[keyword]}` : ''}`);
    }
    return cost;
  }

  /** The cost of one keyword: itself and what it holds. */
  private keyword(kind: Kind, node: Record<string, unknown>, value: unknown, at: string[]): Cost {
    switch (kind) {
      case 'annotation':
        return NO_COST;
      case 'value':
        return ONE_KEYWORD;
      case 'enum': {
        // Each value is compared by deep equality: an object or array costs as a keyword, scalars less.
        const values = value as unknown[];
        const compound = values.filter((item) => typeof item === 'object' && item !== null).length;
        return { ...NO_COST, keywords: Math.max(1, compound + Math.ceil((values.length - compound) / SCALARS_PER_KEYWORD)) };
      }
      case 'pattern':
        return this.pattern(value as string, at);
      case 'ref':
        return add(ONE_KEYWORD, this.reference(value as string, at));
      case 'schema':
        return add(ONE_KEYWORD, this.node(value, at));
      case 'repeated':
        return add(ONE_KEYWORD, repeated(this.node(value, at)));
      case 'items':
        return add(
          ONE_KEYWORD,
          Array.isArray(value) ? this.all(value.map((item, i) => [item, [...at, String(i)]])) : repeated(this.node(value, at)),
        );
      case 'schemas':
        return add(ONE_KEYWORD, this.all((value as unknown[]).map((item, i) => [item, [...at, String(i)]])));
      case 'schemaMap':
        return add(ONE_KEYWORD, this.all(Object.entries(asObject(value)).map(([name, item]) => [item, [...at, name]])));
      case 'dependencies': {
        // A list of names is a plain keyword; a schema applies to the same object.
        const schemas = Object.entries(asObject(value)).filter(([, item]) => !Array.isArray(item));
        return add(ONE_KEYWORD, this.all(schemas.map(([name, item]) => [item, [...at, name]])));
      }
      case 'patternProperties': {
        let cost = ONE_KEYWORD;
        for (const [source, item] of Object.entries(asObject(value))) {
          cost = add(cost, repeated(add(this.pattern(source, [...at, source]), this.node(item, [...at, source]))));
        }
        return cost;
      }
      case 'uniqueItems':
        if (value === true && !scalarItems(node.items)) {
          this.refuse(at, `needs items with a type of ${SCALAR_TYPES.join(', ')}: only those are compared in linear time`);
        }
        return ONE_KEYWORD;
    }
  }

  private all(children: [unknown, string[]][]): Cost {
    return children.reduce((cost, [child, at]) => add(cost, this.node(child, at)), NO_COST);
  }

  /** Compiled here to check it, and kept for Ajv to use rather than compile again. */
  private pattern(source: string, at: string[]): Cost {
    const known = this.patterns.get(source);
    if (known) return { keywords: PATTERN_WEIGHT, repeated: 0, program: known.programSize() };
    if (source.length > SCHEMA_LIMITS.patternLength) {
      this.refuse(at, `can be at most ${SCHEMA_LIMITS.patternLength} characters`);
      return NO_COST;
    }
    // RE2 compiles in time proportional to the program: once the budget is spent, the schema is
    // refused anyway, so compile no more.
    if (this.compiledProgram > SCHEMA_LIMITS.patternProgram) return { keywords: PATTERN_WEIGHT, repeated: 0, program: 0 };
    let compiled: RE2JS;
    try {
      compiled = RE2JS.compile(source);
    } catch (error) {
      this.refuse(at, `is not a pattern RE2 can run (RE2 has no lookaround or backreferences): ${(error as Error).message}`);
      return NO_COST;
    }
    const program = compiled.programSize();
    this.patterns.set(source, compiled);
    this.compiledProgram += program;
    if (program > SCHEMA_LIMITS.patternProgram) {
      this.refuse(
        at,
        `is too large: RE2 compiles it to ${program} instructions, at most ${SCHEMA_LIMITS.patternProgram} for all the patterns of a schema (use minLength and maxLength for lengths)`,
      );
    }
    return { keywords: PATTERN_WEIGHT, repeated: 0, program };
  }

  private reference(ref: string, at: string[]): Cost {
    const match = REF.exec(ref);
    if (!match) {
      this.refuse(at, 'must be #/definitions/<name> or #/$defs/<name>: a schema can refer only to its own definitions');
      return NO_COST;
    }
    const [, group, name] = match as unknown as [string, string, string];
    if (!Object.hasOwn(asObject(this.schema[group]), name)) {
      this.refuse(at, `points to no definition: ${group}.${name} does not exist`);
      return NO_COST;
    }
    return this.definition(group, name, at);
  }

  private definition(group: string, name: string, referredAt: string[]): Cost {
    const key = `${group}/${name}`;
    const known = this.definitions.get(key);
    if (known === 'walking') {
      this.refuse(referredAt, `refers to ${group}.${name}, which contains it: recursive schemas are not supported`);
      return NO_COST;
    }
    if (known) return known;
    this.definitions.set(key, 'walking');
    const cost = this.node((this.schema[group] as Record<string, unknown>)[name], [group, name]);
    this.definitions.set(key, cost);
    return cost;
  }

  private refuse(at: string[], message: string): void {
    this.problems.push(problem(at, message));
  }
}

function scalarItems(items: unknown): boolean {
  if (typeof items !== 'object' || items === null || Array.isArray(items)) return false;
  const type = (items as { type?: unknown }).type;
  const types = Array.isArray(type) ? type : type === undefined ? [] : [type];
  return types.length > 0 && types.every((t) => SCALAR_TYPES.includes(t as string));
}

/** Everything under a keyword that applies to every element or property. */
function repeated(cost: Cost): Cost {
  return { ...cost, repeated: cost.keywords };
}

function add(...costs: Cost[]): Cost {
  return costs.reduce((sum, cost) => ({
    keywords: sum.keywords + cost.keywords,
    repeated: sum.repeated + cost.repeated,
    program: sum.program + cost.program,
  }));
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** JSON with every object's keys sorted, so that the same schema has one text whatever the store's key order. */
function canonicalJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

function pointerPath(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function problem(at: string[], message: string): ParamError {
  return named([PARAM, ...at], message);
}

function toParamError(error: ErrorObject, param: string): ParamError {
  const path = [param, ...pointerPath(error.instancePath)];
  const { missingProperty, additionalProperty, property } = error.params as Record<string, string | undefined>;
  switch (error.keyword) {
    case 'required':
      return named([...path, missingProperty!], 'is required');
    case 'dependencies':
      return named([...path, missingProperty!], `is required when ${[...path, property!].join('.')} is present`);
    case 'additionalProperties':
      return named([...path, additionalProperty!], 'is not allowed by the template');
    default:
      return named(path, error.message ?? 'is invalid');
  }
}

function named(path: string[], message: string): ParamError {
  const param = path.join('.');
  return { param, message: `${param} ${message}` };
}
