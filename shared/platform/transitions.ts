/** A status change as the spec prints it: `to`, `from`, `timestamp`. */
export interface StatusTransition<S extends string> {
  to: S;
  from: S;
  timestamp: string;
}

/** DynamoDB keeps no key order in maps; the objects we answer with keep the spec's. */
export function orderedTransitions<S extends string>(transitions: StatusTransition<S>[]): StatusTransition<S>[] {
  return transitions.map(({ to, from, timestamp }) => ({ to, from, timestamp }));
}
