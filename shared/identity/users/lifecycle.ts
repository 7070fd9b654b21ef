/**
 * The OS1 user lifecycle: four states, each with a sub-state (`active:available`), and the moves
 * between them. The seeds name the states and no rule; the rules here are ours (docs/people.md).
 * Pure: no store, no clock.
 */
export const STATES = ['onboarding', 'active', 'deboarding', 'inactive'] as const;
export type State = (typeof STATES)[number];

/** The sub-state a move to a state takes when it names none. */
export const DEFAULT_SUB_STATES: Record<State, string> = {
  onboarding: 'invited',
  active: 'available',
  deboarding: 'notice',
  inactive: 'deactivated',
};

/** A sub-state is a short lower-case word: `available`, `notice_period`, `on-leave`. */
export const SUB_STATE = /^[a-z][a-z0-9_-]{0,39}$/;

/** Where each state may go (a sub-state change within a state is always allowed). */
export const ALLOWED_MOVES: Record<State, readonly State[]> = {
  onboarding: ['active', 'inactive'],
  active: ['deboarding', 'inactive'],
  deboarding: ['active', 'inactive'],
  inactive: ['active', 'onboarding'],
};

export interface StateValue {
  state: State;
  subState: string;
}

/** `active:available` -> {state, subState}; undefined when it is not one. */
export function parseState(text: string): StateValue | undefined {
  const [state, subState, ...rest] = text.split(':');
  if (rest.length || !STATES.includes(state as State)) return undefined;
  if (subState === undefined) return { state: state as State, subState: DEFAULT_SUB_STATES[state as State] };
  return SUB_STATE.test(subState) ? { state: state as State, subState } : undefined;
}

export function formatState(value: StateValue): string {
  return `${value.state}:${value.subState}`;
}

export function topState(text: string): State {
  return text.split(':')[0] as State;
}

/** Whether a move from one state to another is allowed at all (the guards on who may come after). */
export function moveAllowed(from: State, to: State): boolean {
  return from === to || ALLOWED_MOVES[from].includes(to);
}

/** The Osma API's `status` of a user: onboarding is invited, active and deboarding active, inactive inactive. */
export type PublicStatus = 'invited' | 'active' | 'inactive';

export function publicStatus(state: State): PublicStatus {
  if (state === 'onboarding') return 'invited';
  return state === 'inactive' ? 'inactive' : 'active';
}

/** The seed 003 `registration-invite` of a user. */
export const REGISTRATION_INVITES = ['none', 'sent', 'accepted', 'failed'] as const;
export type RegistrationInvite = (typeof REGISTRATION_INVITES)[number];
