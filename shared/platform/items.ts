import type { z } from 'zod';
import { orderedTransitions, type StatusTransition } from '#shared/platform/transitions';

/**
 * The API object of a stored item: exactly the fields of its response schema, in the
 * schema's order (the order the spec prints them), without keys and bookkeeping (pk, sk,
 * gsi*, version). DynamoDB keeps no key order in maps, so transitions get theirs back.
 */
export function objectFromItem<S extends z.ZodObject>(schema: S): (item: object) => z.infer<S> {
  const fields = Object.keys(schema.shape);
  return (item) => {
    const stored = item as Record<string, unknown>;
    const object: Record<string, unknown> = {};
    for (const field of fields) {
      object[field] =
        field === 'status_transitions' ? orderedTransitions(stored[field] as StatusTransition<string>[]) : stored[field];
    }
    return object as z.infer<S>;
  };
}
