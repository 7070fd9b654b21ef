import type { ParamError } from '#shared/platform/errors';

/**
 * What the store can hold, so that a value DynamoDB (or its document client) would refuse is
 * refused first, with a 400 that names it, instead of failing the write with a 500.
 *
 * DynamoDB's rules (developer guide: naming rules and data types, item sizes):
 * - an item is at most 400 KB, counted as its attribute names and values (`itemSize`);
 * - a map's keys are attribute names, at least one character long;
 * - a number has at most 38 significant digits and is 0 or between 1e-130 and 1e126 in magnitude;
 * - a value nests at most 32 levels, counting the item's attribute and the value at the bottom:
 *   31 maps or lists (measured against DynamoDB Local too).
 * JavaScript adds one: a JSON number is read as a double, exact as an integer only within
 * ±(2^53 - 1), and the document client refuses a larger one rather than store it rounded.
 */
export const STORE_LIMITS = {
  itemBytes: 400 * 1024,
  itemDepth: 31,
  smallestNumber: 1e-130,
  largestNumber: Number.MAX_SAFE_INTEGER,
} as const;

/**
 * What a free-form object (task `parameters` and `data`, a template's `parameters`) may hold.
 * It nests one level less than an item may, since an event carries its task one level down,
 * under `data`. Keys are bounded far below DynamoDB's 64 KB attribute names.
 */
export const FREE_FORM_LIMITS = {
  depth: STORE_LIMITS.itemDepth - 1,
  keyLength: 1_000,
} as const;

/**
 * How deep any request body may nest. It is no store limit but a guard for the code that walks
 * a body before its route reads it (the idempotency fingerprint, JSON.stringify), which would
 * run out of stack on a body nested thousands of levels.
 */
export const MAX_BODY_DEPTH = 64;

/** JSON.parse keeps it as a key; any object built from it drops it or takes it as its prototype. */
const PROTO_KEY = '__proto__';
/** Enough to show what is wrong without answering with thousands of entries. */
const MAX_PROBLEMS = 10;

type Path = (string | number)[];

export interface StorableProblem {
  /** Where, below the checked value. */
  path: Path;
  /** A sentence that names the parameter in full. */
  message: string;
}

/**
 * Why a free-form JSON value, sent as the parameter `param`, cannot be stored as it was sent:
 * keys that are empty, too long or `__proto__`, numbers outside what DynamoDB and a double hold
 * exactly, nesting deeper than FREE_FORM_LIMITS.depth. Empty when it can.
 */
export function storableProblems(value: unknown, param: string): StorableProblem[] {
  const problems: StorableProblem[] = [];
  const name = (path: Path) => [param, ...path].join('.');
  const visit = (node: unknown, path: Path, depth: number): void => {
    if (problems.length >= MAX_PROBLEMS) return;
    if (typeof node === 'number') {
      const problem = numberProblem(node);
      if (problem) problems.push({ path, message: `${name(path)} ${problem}` });
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    if (depth > FREE_FORM_LIMITS.depth) {
      problems.push({
        path,
        message: `${name(path)} is nested too deeply: ${param} can nest objects and arrays at most ${FREE_FORM_LIMITS.depth} levels`,
      });
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, [...path, index], depth + 1));
      return;
    }
    for (const [key, item] of Object.entries(node)) {
      const problem = keyProblem(key, FREE_FORM_LIMITS.keyLength);
      // `__proto__` is named as a parameter of its own; an empty or long key by its object.
      const where = key === PROTO_KEY ? [...path, key] : path;
      if (problem) problems.push({ path: where, message: `${name(where)} ${problem}` });
      else visit(item, [...path, key], depth + 1);
    }
  };
  visit(value, [], 1);
  return problems.slice(0, MAX_PROBLEMS);
}

/** Why a key cannot be stored, or undefined: the rest of a sentence that starts with its object. */
export function keyProblem(key: string, maxLength: number): string | undefined {
  if (key === PROTO_KEY) return 'is not allowed: __proto__ cannot be a key';
  if (key === '') return 'has an empty key: keys must be at least one character';
  if (key.length > maxLength) return `has a key of ${key.length} characters: keys can be at most ${maxLength}`;
  return undefined;
}

/** Why a number cannot be stored exactly, or undefined: the rest of a sentence that starts with its name. */
export function numberProblem(value: number): string | undefined {
  const magnitude = Math.abs(value);
  if (!(magnitude <= STORE_LIMITS.largestNumber)) {
    return `must be a number between -${STORE_LIMITS.largestNumber} and ${STORE_LIMITS.largestNumber}`;
  }
  if (magnitude !== 0 && magnitude < STORE_LIMITS.smallestNumber) {
    return `must be 0 or at least ${STORE_LIMITS.smallestNumber} in magnitude`;
  }
  return undefined;
}

/**
 * What no request body may hold, wherever it sits: a `__proto__` key, and nesting deeper than
 * MAX_BODY_DEPTH. The walk stops at that depth, so it cannot itself run out of stack.
 */
export function bodyProblems(body: unknown): ParamError[] {
  const problems: ParamError[] = [];
  const visit = (node: unknown, path: Path, depth: number): void => {
    if (problems.length >= MAX_PROBLEMS || typeof node !== 'object' || node === null) return;
    if (depth > MAX_BODY_DEPTH) {
      const param = path.join('.');
      problems.push({ param, message: `${param} is nested too deeply: a request body can nest at most ${MAX_BODY_DEPTH} levels`, in: 'body' });
      return;
    }
    for (const [key, item] of Object.entries(node)) {
      if (key === PROTO_KEY) {
        const param = [...path, key].join('.');
        problems.push({ param, message: `${param} ${keyProblem(key, Infinity)}`, in: 'body' });
      } else visit(item, [...path, key], depth + 1);
    }
  };
  visit(body, [], 1);
  return problems.slice(0, MAX_PROBLEMS);
}

/**
 * An item's size as DynamoDB counts it against the 400 KB: each attribute's name and value; a
 * string's UTF-8 bytes; a number about one byte per two significant digits and one more; null
 * and booleans one byte; a map or list 3 bytes plus one per element and its elements (a map's
 * keys count as names). Numbers are counted for their worst alignment, so this may run a byte
 * over DynamoDB's count per number, never under.
 */
export function itemSize(item: object): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value !== undefined) size += attributeSize(name, value);
  }
  return size;
}

/** One attribute (or map entry, without its element byte): its name and its value. */
export function attributeSize(name: string, value: unknown): number {
  return Buffer.byteLength(name) + valueSize(value);
}

function valueSize(value: unknown): number {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return numberSize(value);
  if (value instanceof Uint8Array) return value.byteLength;
  let size = 3;
  if (Array.isArray(value) || value instanceof Set) {
    for (const element of value) size += valueSize(element) + 1;
    return size;
  }
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as object);
  for (const [key, element] of entries) {
    if (element !== undefined) size += attributeSize(String(key), element) + 1;
  }
  return size;
}

function numberSize(value: number): number {
  const mantissa = Math.abs(value).toString().split('e')[0]!.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.min(21, 1 + Math.ceil((mantissa.length + 1) / 2));
}
