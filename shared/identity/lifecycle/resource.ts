import * as z from 'zod';
import type { MembershipItem, TransitionRecord } from '#shared/identity/users/membership';
import { userResources } from '#shared/identity/users/resource';

/**
 * The lifecycle's JSON:API resources: a user's state with its last move (`user-states`, the
 * OS1 "user state"), and the entries of its history (`user-state-transitions`).
 */
export const USER_STATE_TYPE = 'user-states';
export const TRANSITION_TYPE = 'user-state-transitions';

const state = z.string().meta({ description: '`<state>:<sub-state>`.', example: 'active:available' });
const reasonCode = z.string().nullable().meta({ description: 'The reason code the move was made with.', example: 'R-104' });
const data = z.record(z.string(), z.unknown()).meta({ description: 'What the move carried; `{}` when nothing.' });

export const userStateAttributes = z.object({
  state,
  event: z
    .object({ 'to-state': state, 'reason-code': reasonCode, data })
    .nullable()
    .meta({ description: 'The last move; null when the user never moved since they were made.' }),
});

export const transitionAttributes = z.object({
  'from-state': state.nullable().meta({ description: 'Null on the entry that made the user.' }),
  'to-state': state,
  'reason-code': reasonCode,
  data,
  'actor-id': z.string().nullable().meta({ description: 'The user who made the move; null when the platform made it.' }),
  'created-time': z.string(),
});

/** The state of a user, with `last` its newest history entry (an entry that made the user is no move). */
export function userStateResource({ user, last }: { user: Pick<MembershipItem, 'id' | 'state'>; last: TransitionRecord | undefined }) {
  const event = last && last.from !== null ? { 'to-state': last.to, 'reason-code': last.reason_code ?? null, data: last.data ?? {} } : null;
  return { data: { type: USER_STATE_TYPE, id: user.id, attributes: { state: user.state, event } }, meta: {} };
}

/** The answer of enable and disable: the `users` resource, as every people route answers it. */
export async function userDocument(user: MembershipItem) {
  const [resource] = await userResources(user.organization_id, [user]);
  return { data: resource!, meta: {} };
}

export function transitionResource(record: TransitionRecord) {
  return {
    type: TRANSITION_TYPE,
    id: record.id,
    attributes: {
      'from-state': record.from,
      'to-state': record.to,
      'reason-code': record.reason_code ?? null,
      data: record.data ?? {},
      'actor-id': record.actor?.type === 'user' ? (record.actor.id ?? null) : null,
      'created-time': record.created_at,
    },
  };
}

/** A page of a user's history, newest first, with the next page's link when there is one. */
export function transitionListDocument(userId: string, page: { records: TransitionRecord[]; limit: number; offset: number; hasMore: boolean }) {
  const next = new URLSearchParams({ 'page[limit]': `${page.limit}`, 'page[offset]': `${page.offset + page.limit}` });
  return {
    data: page.records.map(transitionResource),
    meta: { page: { limit: page.limit, offset: page.offset } },
    links: page.hasMore ? { next: `/v1/users/${encodeURIComponent(userId)}/state-transitions/?${next}` } : {},
  };
}
