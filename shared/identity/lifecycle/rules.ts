import { ALLOWED_MOVES, formatState, type StateValue } from '#shared/identity/users/lifecycle';
import { keyProblem, numberProblem } from '#shared/platform/storable';

/**
 * The rules of a lifecycle move that need no store (docs/lifecycle.md has the table): who may
 * make which move, and what a move may carry. Pure: the unit tests hold them directly.
 */

/** A reason code: a short token such as `R-104` or `R-ACCEPTED`, not a sentence. */
export const REASON_CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;

/**
 * What a move's `data` may hold. It travels with every history entry and the state's answer,
 * so it stays small and shallow: its values are scalars, or arrays and objects of scalars.
 */
export const TRANSITION_DATA_LIMITS = { bytes: 4096, depth: 2, keyLength: 100 } as const;

/** What the rules need to know beyond the two states. */
export interface MoveFacts {
  /** The caller moves themselves. */
  self: boolean;
  actorIsOwner: boolean;
  targetIsOwner: boolean;
  /** The person has set a password (their user item names a login). */
  hasLogin: boolean;
}

export interface MoveRefusal {
  code: 'forbidden' | 'invalid_transition';
  detail: string;
}

/**
 * Why a move from `from` to `to` is refused, or undefined when it is allowed. The last active
 * owner is no rule here: the active-owner count's condition refuses that move in the write.
 */
export function moveRefusal(from: StateValue, to: StateValue, facts: MoveFacts): MoveRefusal | undefined {
  if (facts.targetIsOwner && !facts.actorIsOwner) {
    return { code: 'forbidden', detail: 'Only an owner may change the state of an owner.' };
  }
  if (from.state === to.state) {
    if (from.subState !== to.subState) return undefined;
    return { code: 'invalid_transition', detail: `The user is already ${formatState(to)}.` };
  }
  if (facts.self) {
    return { code: 'forbidden', detail: 'Nobody changes their own state: ask another owner or admin. Only your sub-state is yours to change.' };
  }
  if (!ALLOWED_MOVES[from.state].includes(to.state)) {
    const allowed = ALLOWED_MOVES[from.state].join(' or ');
    return { code: 'invalid_transition', detail: `A user in ${from.state} cannot move to ${to.state}: from ${from.state} a user moves to ${allowed}.` };
  }
  if (from.state === 'inactive' && to.state === 'active' && !facts.hasLogin) {
    return {
      code: 'invalid_transition',
      detail: 'This person never set a password, so they cannot be active again: invite them again (move them to onboarding).',
    };
  }
  return undefined;
}

export interface DataProblem {
  /** Where, below `data`. */
  path: (string | number)[];
  message: string;
}

/**
 * Why a move's `data` cannot be kept, or nothing: a key that is empty or too long, a value
 * nested deeper than a scalar inside an array or object, a number the store cannot hold
 * exactly, or more than TRANSITION_DATA_LIMITS.bytes of JSON. The shape is checked first, so
 * the size is measured only on what is shallow.
 */
export function dataProblems(data: Record<string, unknown>): DataProblem[] {
  const problems: DataProblem[] = [];
  const name = (path: (string | number)[]) => ['data', ...path].join('.');
  const visit = (node: unknown, path: (string | number)[], depth: number): void => {
    if (problems.length >= 10) return;
    if (typeof node === 'number') {
      const problem = numberProblem(node);
      if (problem) problems.push({ path, message: `${name(path)} ${problem}` });
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    // `data` is one level, an array or object in it the second; below that only scalars.
    if (depth >= TRANSITION_DATA_LIMITS.depth) {
      problems.push({ path, message: `${name(path)} is nested too deeply: data holds scalars, or arrays and objects of scalars` });
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, [...path, index], depth + 1));
      return;
    }
    for (const [key, item] of Object.entries(node)) {
      const problem = keyProblem(key, TRANSITION_DATA_LIMITS.keyLength);
      if (problem) problems.push({ path, message: `${name(path)} ${problem}` });
      else visit(item, [...path, key], depth + 1);
    }
  };
  visit(data, [], 0);
  if (problems.length) return problems;
  const bytes = Buffer.byteLength(JSON.stringify(data));
  if (bytes > TRANSITION_DATA_LIMITS.bytes) {
    problems.push({ path: [], message: `data is ${bytes} bytes as JSON: it can be at most ${TRANSITION_DATA_LIMITS.bytes}` });
  }
  return problems;
}
