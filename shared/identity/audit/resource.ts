import * as z from 'zod';
import { idFloor } from '#shared/platform/ids';
import { unexpired, type ListFilter } from '#shared/platform/pagination';
import { readNewestFirst, timeRangeText } from '#shared/platform/range-pages';
import { fromItem, type AuditAction, type AuditRecord } from '#shared/identity/audit/audit';
import { auditKeys } from '#shared/identity/audit/keys';

/**
 * The management API's `audit-events` resource: an organization's audit trail
 * (shared/identity/audit/audit.ts), newest first. Its partition is sorted by event id, a KSUID
 * that starts with the event's time, so a time range is a range of ids: a key condition, and
 * what lies outside it is never read. Actions and actor are a filter on what the range holds.
 */
export const AUDIT_EVENT_TYPE = 'audit-events';

const party = z.object({ type: z.string(), id: z.string().nullable() });

export const auditEventAttributes = z.object({
  action: z.string().meta({ description: 'What happened, e.g. `login.succeeded`, `role.assigned`.' }),
  actor: party.meta({ description: 'Who did it: `user`, `api-key`, `platform` (the platform team), or `anonymous` (no id).' }),
  target: z.object({ type: z.string(), id: z.string() }).nullable().meta({ description: 'What it was done to, when it names one thing.' }),
  ip: z.string().nullable(),
  'user-agent': z.string().nullable(),
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).meta({ description: 'The rest: ids and reasons, never a secret.' }),
  'created-time': z.string(),
});

export function auditEventResource(event: AuditRecord) {
  return {
    type: AUDIT_EVENT_TYPE,
    id: event.id,
    attributes: {
      action: event.action,
      actor: { type: event.actor.type, id: event.actor.id ?? null },
      target: event.target ? { type: event.target.type, id: event.target.id } : null,
      ip: event.ip ?? null,
      'user-agent': event.userAgent ?? null,
      data: event.data ?? {},
      'created-time': event.createdAt,
    },
  };
}

/** The list's query, parsed (shared/identity/audit/routes.ts). */
export interface AuditEventQuery {
  'filter[action]'?: AuditAction[];
  'filter[actor-id]'?: string;
  'filter[cmp-created-time]'?: { from?: number; below?: number };
  'page[limit]': number;
  'page[offset]': number;
  'page[after]'?: string;
}

/**
 * `GET /v1/audit-events/`: one Query at a time on the organization's audit partition, newest
 * first, between the ids of the range's ends; each page reads at most range-pages.ts's budget.
 */
export async function listAuditEvents(principal: { organizationId: string }, query: AuditEventQuery) {
  const limit = query['page[limit]'];
  const offset = query['page[offset]'];
  const time = query['filter[cmp-created-time]'];
  const result = await readNewestFirst({
    sources: [{ partitionKey: 'pk', partitionValue: auditKeys.organizationPk(principal.organizationId), sortKey: 'sk' }],
    range: {
      from: time?.from === undefined ? undefined : idFloor('auditEvent', time.from),
      below: time?.below === undefined ? undefined : idFloor('auditEvent', time.below),
    },
    filters: [unexpired(), ...actionFilter(query['filter[action]']), ...actorFilter(query['filter[actor-id]'])],
    request: { limit, offset, after: query['page[after]'] },
  });
  return {
    data: result.items.map((item) => auditEventResource(fromItem(item))),
    meta: { page: { limit, offset } },
    links: result.next ? { next: nextLink(query, result.next) } : {},
  };
}

function actionFilter(actions: AuditAction[] | undefined): ListFilter[] {
  if (!actions?.length) return [];
  const values = Object.fromEntries(actions.map((action, i) => [`:action${i}`, action]));
  return [{ expression: `#action IN (${Object.keys(values).join(', ')})`, names: { '#action': 'action' }, values }];
}

function actorFilter(actorId: string | undefined): ListFilter[] {
  if (actorId === undefined) return [];
  return [{ expression: '#actor.#actorId = :actorId', names: { '#actor': 'actor', '#actorId': 'id' }, values: { ':actorId': actorId } }];
}

function nextLink(query: AuditEventQuery, next: { after: string; offset: number }): string {
  const params = new URLSearchParams();
  const actions = query['filter[action]'];
  const time = query['filter[cmp-created-time]'];
  if (actions?.length) params.set('filter[action]', actions.join(','));
  if (query['filter[actor-id]'] !== undefined) params.set('filter[actor-id]', query['filter[actor-id]']);
  if (time) params.set('filter[cmp-created-time]', timeRangeText(time));
  params.set('page[limit]', String(query['page[limit]']));
  params.set('page[after]', next.after);
  if (next.offset > 0) params.set('page[offset]', String(next.offset));
  return `/v1/audit-events/?${params.toString()}`;
}
