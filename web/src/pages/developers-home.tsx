import { isBuiltInRole, type Permission } from '@osma/roles';
import { api, must } from '../api/client';
import { Link, inMode, type Mode } from '../router';
import { can, type Me } from '../session';
import { Empty, formatTime, LoadStatus, useLoad } from '../ui';
import { RequestTable } from './request-logs';

/** How many of the newest events Home looks into for failed deliveries (one deliveries call each). */
const EVENTS_LOOKED_AT = 10;

/** A read the role may do, or may do as far as the page knows (a job role's permissions live on the server). */
function mayRead(me: Me | undefined, permission: Permission): boolean {
  return !me || can(me, permission) || me.roles.some((role) => !isBuiltInRole(role));
}

/** Home's developer sections: the newest requests and the failed deliveries of the mode. */
export function DevelopersHome(props: { mode: Mode; me?: Me }) {
  return (
    <>
      {mayRead(props.me, 'request-logs.read') && <LatestRequests mode={props.mode} />}
      {mayRead(props.me, 'organization.read') && <FailedDeliveries mode={props.mode} />}
    </>
  );
}

function LatestRequests(props: { mode: Mode }) {
  const { mode } = props;
  const logs = useLoad(() => must(api.GET('/v1/request-logs/', { params: { query: { 'filter[mode]': mode, 'page[limit]': 5 } } })), [mode]);
  return (
    <section aria-labelledby="latest-requests">
      <h2 id="latest-requests">Latest requests</h2>
      <LoadStatus state={logs} what="the latest requests" />
      {logs.data && logs.data.data.length === 0 && <Empty>No {mode} request yet.</Empty>}
      {logs.data && logs.data.data.length > 0 && <RequestTable logs={logs.data.data} mode={mode} caption={`The latest requests in ${mode} mode`} />}
      <p>
        <Link href={inMode('/developers/logs', mode)}>All request logs</Link>
      </p>
    </section>
  );
}

/**
 * The failed deliveries among the newest events: the API lists deliveries per event only, so
 * this reads the newest few events' deliveries (one call each, in parallel), not every event.
 */
function FailedDeliveries(props: { mode: Mode }) {
  const { mode } = props;
  const failed = useLoad(async () => {
    const query = { 'filter[mode]': mode };
    const events = await must(api.GET('/v1/events/', { params: { query: { ...query, 'page[limit]': EVENTS_LOOKED_AT } } }));
    const each = await Promise.all(
      events.data.map(async (event) => {
        const deliveries = await must(api.GET('/v1/events/{id}/deliveries/', { params: { path: { id: event.id }, query: { ...query, 'page[limit]': 100 } } }));
        return deliveries.data.filter((delivery) => delivery.attributes.status === 'failed').map((delivery) => ({ event, delivery }));
      }),
    );
    return each.flat();
  }, [mode]);
  return (
    <section aria-labelledby="failed-deliveries">
      <h2 id="failed-deliveries">Failed deliveries</h2>
      <LoadStatus state={failed} what="the failed deliveries" />
      {failed.data && failed.data.length === 0 && <Empty>No failed delivery among the latest {EVENTS_LOOKED_AT} {mode} events.</Empty>}
      {failed.data && failed.data.length > 0 && (
        <table>
          <caption class="visually-hidden">Failed deliveries among the latest {mode} events</caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Endpoint</th>
              <th scope="col">Last attempt</th>
            </tr>
          </thead>
          <tbody>
            {failed.data.map(({ event, delivery }) => {
              const last = delivery.attributes.attempts[delivery.attributes.attempts.length - 1];
              return (
                <tr key={delivery.id}>
                  <td>
                    <Link href={inMode(`/developers/events/${encodeURIComponent(event.id)}`, mode)}>{event.attributes.event}</Link>{' '}
                    {event.attributes.mode === 'test' && <span class="badge-test">Test</span>}
                    <div class="meta">{formatTime(event.attributes['created-at'])}</div>
                  </td>
                  <td>
                    <code class="wrap">{delivery.attributes.url}</code>
                  </td>
                  <td>{last ? `${formatTime(last['attempted-at'])}: ${last['status-code'] ?? last.error ?? 'no answer'}` : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <p>
        <Link href={inMode('/developers/events', mode)}>All events</Link>
      </p>
    </section>
  );
}
