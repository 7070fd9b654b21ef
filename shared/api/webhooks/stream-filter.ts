/**
 * Which table changes the event router wants: new event items (the outbox), and deliveries
 * that a resend has just asked for. These are Lambda event filter patterns: the CDK stack
 * gives them to the stream's event source mapping as they are, and the local stream poller
 * applies them with `matchesFilter`, so both see the same records.
 */
export type FilterPattern = { [key: string]: FilterPattern | (string | { exists: boolean })[] };

export const ROUTER_FILTERS: FilterPattern[] = [
  { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['event'] } } } },
  {
    eventName: ['INSERT', 'MODIFY'],
    dynamodb: { NewImage: { entity: { S: ['webhook_delivery'] }, resend_requested_at: { S: [{ exists: true }] } } },
  },
];

/**
 * The part of Lambda's filter syntax used above: a list of strings matches a string field
 * equal to one of them; `{ exists: true|false }` matches a field's presence; nested objects
 * match nested fields.
 */
export function matchesPattern(record: unknown, pattern: FilterPattern): boolean {
  return Object.entries(pattern).every(([key, rule]) => {
    const value = record !== null && typeof record === 'object' ? (record as Record<string, unknown>)[key] : undefined;
    if (!Array.isArray(rule)) return matchesPattern(value, rule);
    return rule.some((allowed) =>
      typeof allowed === 'string' ? value === allowed : allowed.exists === (value !== undefined),
    );
  });
}

/** Lambda passes a record when any one filter matches. */
export function matchesFilter(record: unknown, filters: FilterPattern[] = ROUTER_FILTERS): boolean {
  return filters.some((pattern) => matchesPattern(record, pattern));
}
