import { listDeliveries, resendEvent } from '#shared/api/webhooks/delivery';
import { getEvent, listEvents } from '#shared/api/webhooks/event';
import { deliveryResource, eventResource } from '#shared/identity/events/resource';
import type { SessionPrincipal } from '#shared/identity/principal';
import { CURSOR_PARAMS, inRequestTerms, listAnswer, pageRequest, scopeOf, type CursorPageQuery } from '#shared/identity/scoped-resources';
import type { Mode } from '#shared/platform/table';

/**
 * The management API's events: the public API's outbox and deliveries (shared/api/webhooks/
 * event.ts, delivery.ts), read in the caller's organization and the mode the call names.
 */
type ModeQuery = CursorPageQuery & { 'filter[mode]': Mode };

export async function eventList(principal: SessionPrincipal, query: ModeQuery) {
  const mode = query['filter[mode]'];
  const page = await inRequestTerms({ body: '', query: CURSOR_PARAMS }, () => listEvents(scopeOf(principal, mode), pageRequest(query)));
  return listAnswer(page, query, '/v1/events/', (event) => eventResource(mode, event));
}

export async function eventOf(principal: SessionPrincipal, mode: Mode, id: string) {
  return { data: eventResource(mode, await getEvent(scopeOf(principal, mode), id)), meta: {} };
}

/** An event's deliveries, one per endpoint, each with every attempt; the cursor is the endpoint's id. */
export async function deliveryList(principal: SessionPrincipal, eventId: string, query: ModeQuery) {
  const mode = query['filter[mode]'];
  const page = await inRequestTerms({ body: '', query: CURSOR_PARAMS }, () =>
    listDeliveries(scopeOf(principal, mode), eventId, pageRequest(query)),
  );
  return listAnswer(
    page,
    query,
    `/v1/events/${encodeURIComponent(eventId)}/deliveries/`,
    (delivery) => deliveryResource(mode, delivery),
    (delivery) => delivery.endpoint,
  );
}

/** Sends the event to one endpoint again, as a new series of attempts: the public API's resend, rules and all. */
export async function resend(principal: SessionPrincipal, mode: Mode, eventId: string, endpointId: string) {
  const delivery = await inRequestTerms({ body: '' }, () => resendEvent(scopeOf(principal, mode), eventId, endpointId));
  return { data: deliveryResource(mode, delivery), meta: {} };
}
