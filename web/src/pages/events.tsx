import { useEffect, useState } from 'preact/hooks';
import { api, must } from '../api/client';
import type { paths } from '../api/schema';
import { Link, inMode, type Place } from '../router';
import { can, type Me } from '../session';
import { Empty, ErrorView, formatTime, LoadStatus, PageHeading, Pager, useLoad } from '../ui';

type Delivery = paths['/v1/events/{id}/deliveries/']['get']['responses'][200]['content']['application/json']['data'][number];

/** The cursor a `links.next` carries, to ask for the next page with the typed client. */
export function nextCursor(next: string | undefined): string | undefined {
  if (!next) return undefined;
  return new URL(next, location.origin).searchParams.get('page[after]') ?? undefined;
}

/** Developers › Events: the mode's events of the last 30 days, newest first. */
export function Events(props: { place: Place }) {
  const { mode } = props.place;
  // The pages walked so far, in this mode only: a cursor never crosses modes.
  const [walked, setWalked] = useState<{ mode: string; cursors: string[] }>({ mode, cursors: [] });
  const cursors = walked.mode === mode ? walked.cursors : [];
  const setCursors = (change: (now: string[]) => string[]) => setWalked({ mode, cursors: change(cursors) });
  const after = cursors[cursors.length - 1];
  const events = useLoad(
    () => must(api.GET('/v1/events/', { params: { query: { 'filter[mode]': mode, 'page[limit]': 25, ...(after ? { 'page[after]': after } : {}) } } })),
    [mode, after],
  );
  const older = nextCursor(events.data?.links.next);
  return (
    <>
      <PageHeading>Events</PageHeading>
      <p>
        What happened in <strong>{mode} mode</strong> in the last 30 days, newest first. Open an event to see its deliveries to your endpoints.
      </p>
      <LoadStatus state={events} what="the events" />
      {events.data && events.data.data.length === 0 && <Empty>No {mode} event in the last 30 days.</Empty>}
      {events.data && events.data.data.length > 0 && (
        <table>
          <caption class="visually-hidden">Events in {mode} mode</caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Id</th>
              <th scope="col">Time</th>
            </tr>
          </thead>
          <tbody>
            {events.data.data.map((event) => (
              <tr key={event.id}>
                <td>
                  <Link href={inMode(`/developers/events/${encodeURIComponent(event.id)}`, mode)}>{event.attributes.event}</Link>{' '}
                  {event.attributes.mode === 'test' && <span class="badge-test">Test</span>}
                </td>
                <td>
                  <code>{event.id}</code>
                </td>
                <td>{formatTime(event.attributes['created-at'])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager
        of="events"
        labels={['Newer events', 'Older events']}
        newer={cursors.length > 0 ? () => setCursors((now) => now.slice(0, -1)) : undefined}
        older={older ? () => setCursors((now) => [...now, older]) : undefined}
      />
    </>
  );
}

/** One event: its data, and each delivery with every attempt; Resend sends it again to one endpoint. */
export function EventDetail(props: { place: Place; me: Me; id: string }) {
  const { mode } = props.place;
  const { id } = props;
  const manage = can(props.me, 'developers.manage');
  const params = { path: { id }, query: { 'filter[mode]': mode } };
  const event = useLoad(() => must(api.GET('/v1/events/{id}/', { params })), [id, mode]);
  const deliveries = useLoad(() => must(api.GET('/v1/events/{id}/deliveries/', { params: { ...params, query: { ...params.query, 'page[limit]': 100 } } })), [id, mode]);
  const [failure, setFailure] = useState<unknown>();
  const [sent, setSent] = useState<string>();
  // After a resend, the new attempt lands a moment later: look again every second until it shows (at most 30 s).
  const [watching, setWatching] = useState<{ endpoint: string; attempts: number; until: number }>();
  useEffect(() => {
    if (!watching) return;
    const delivery = deliveries.data?.data.find((one) => one.attributes.endpoint === watching.endpoint);
    if ((delivery && delivery.attributes.attempts.length > watching.attempts) || Date.now() > watching.until) {
      setWatching(undefined);
      return;
    }
    const timer = setTimeout(deliveries.reload, 1000);
    return () => clearTimeout(timer);
  }, [watching, deliveries.data]);

  const resend = async (delivery: Delivery) => {
    setFailure(undefined);
    setSent(undefined);
    try {
      await must(api.POST('/v1/events/{id}/resend/', { params, body: { endpoint: delivery.attributes.endpoint } }));
      setSent(`Sent again to ${delivery.attributes.url}.`);
      setWatching({ endpoint: delivery.attributes.endpoint, attempts: delivery.attributes.attempts.length, until: Date.now() + 30_000 });
      deliveries.reload();
    } catch (error) {
      setFailure(error);
    }
  };

  return (
    <>
      <PageHeading>Event {id}</PageHeading>
      <p>
        <Link href={inMode('/developers/events', mode)}>All events</Link>
      </p>
      <LoadStatus state={event} what="the event" />
      {event.data && (
        <dl class="facts">
          <dt>Type</dt>
          <dd>
            <code>{event.data.data.attributes.event}</code> {event.data.data.attributes.mode === 'test' && <span class="badge-test">Test</span>}
          </dd>
          <dt>Time</dt>
          <dd>{formatTime(event.data.data.attributes['created-at'])}</dd>
          <dt>Mode</dt>
          <dd>{event.data.data.attributes.mode}</dd>
        </dl>
      )}
      <section aria-labelledby="deliveries">
        <h2 id="deliveries">Deliveries</h2>
        <p class="notice" role="status">
          {sent && `${sent} The new attempt shows here when it is made.`}
        </p>
        {failure !== undefined && <ErrorView failure={failure} />}
        <p>
          <button type="button" onClick={deliveries.reload}>
            Refresh deliveries
          </button>
        </p>
        <LoadStatus state={deliveries} what="the deliveries" />
        {deliveries.data && deliveries.data.data.length === 0 && <Empty>No endpoint was subscribed to this event when it happened.</Empty>}
        {deliveries.data?.data.map((delivery) => (
          <DeliveryView key={delivery.id} delivery={delivery} manage={manage} onResend={() => resend(delivery)} />
        ))}
      </section>
      {event.data && (
        <section aria-labelledby="event-data">
          <h2 id="event-data">Data</h2>
          <pre class="code" tabIndex={0} aria-label="The event's data">
            <code>{JSON.stringify(event.data.data.attributes.data, null, 2)}</code>
          </pre>
        </section>
      )}
    </>
  );
}

const FAILURE_REASONS: Record<NonNullable<Delivery['attributes']['failure-reason']>, string> = {
  retries_exhausted: 'every retry failed',
  endpoint_gone: 'the endpoint answered 410 Gone',
  endpoint_disabled: 'the endpoint is disabled',
  endpoint_deleted: 'the endpoint was deleted',
  endpoint_unsubscribed: 'the endpoint no longer takes this event',
};

function DeliveryView(props: { delivery: Delivery; manage: boolean; onResend: () => void }) {
  const { attributes } = props.delivery;
  const headingId = `delivery-${attributes.endpoint}`;
  return (
    <article class="panel wide" aria-labelledby={headingId} data-testid="delivery">
      <h3 id={headingId}>
        To <code class="wrap">{attributes.url}</code>
      </h3>
      <p>
        Endpoint <code>{attributes.endpoint}</code> · <strong class={`status-${attributes.status}`}>{attributes.status}</strong>
        {attributes['failure-reason'] && <span>: {FAILURE_REASONS[attributes['failure-reason']]}</span>}
        {attributes['next-attempt-at'] && <span> · next attempt {formatTime(attributes['next-attempt-at'])}</span>}
        {attributes.resends > 0 && <span> · resent {attributes.resends}×</span>}
      </p>
      {attributes.attempts.length === 0 ? (
        <Empty>No attempt yet.</Empty>
      ) : (
        <table>
          <caption class="visually-hidden">Attempts to {attributes.url}</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Kind</th>
              <th scope="col">Status code</th>
              <th scope="col">Latency</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {attributes.attempts.map((attempt) => (
              <tr data-testid="attempt">
                <td>{formatTime(attempt['attempted-at'])}</td>
                <td>{attempt.resend === 0 ? 'automatic' : `resend ${attempt.resend}`}</td>
                <td>{attempt['status-code'] ?? 'none'}</td>
                <td>{attempt['latency-ms']} ms</td>
                <td>{attempt.error ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.manage && (
        <button type="button" onClick={props.onResend} aria-label={`Resend to ${attributes.url}`}>
          Resend
        </button>
      )}
    </article>
  );
}
