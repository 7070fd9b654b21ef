import { useState } from 'preact/hooks';
import { api, must } from '../api/client';
import { Link, inMode, navigate, type Place } from '../router';
import { Empty, formatTime, LoadStatus, PageHeading, Pager, useLoad } from '../ui';
import { nextCursor } from './events';

/** The filters live in the address (`?status=4xx&route=...&from=...&to=...`), so a filtered list can be shared. */
const FILTERS = ['status', 'route', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

function filtersOf(place: Place): Filters {
  return { status: place.query.get('status') ?? '', route: place.query.get('route') ?? '', from: place.query.get('from') ?? '', to: place.query.get('to') ?? '' };
}

/** A `datetime-local` value (the browser's local time) as the API's ISO time with its offset. */
function isoTime(local: string): string | undefined {
  if (!local) return undefined;
  const time = new Date(local);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

/** `filter[cmp-created-time]`: one or two comparisons, comma-separated. */
export function timeRange(from: string, to: string): string | undefined {
  const bounds = [isoTime(from) && `>=${isoTime(from)}`, isoTime(to) && `<${isoTime(to)}`].filter(Boolean);
  return bounds.length ? bounds.join(',') : undefined;
}

/** Developers › Request logs: the mode's public API requests, newest first, by request id, status, route and time. */
export function RequestLogs(props: { place: Place }) {
  const { place } = props;
  const { mode } = place;
  const filters = filtersOf(place);
  const key = `${mode}|${FILTERS.map((name) => filters[name]).join('|')}`;
  const [walked, setWalked] = useState<{ key: string; cursors: string[] }>({ key, cursors: [] });
  const cursors = walked.key === key ? walked.cursors : [];
  const after = cursors[cursors.length - 1];
  const logs = useLoad(() => {
    const range = timeRange(filters.from, filters.to);
    const query = {
      'filter[mode]': mode,
      'page[limit]': 50,
      ...(filters.status ? { 'filter[status]': filters.status } : {}),
      ...(filters.route ? { 'filter[route]': filters.route } : {}),
      ...(range ? { 'filter[cmp-created-time]': range } : {}),
      ...(after ? { 'page[after]': after } : {}),
    };
    return must(api.GET('/v1/request-logs/', { params: { query } }));
  }, [key, after]);
  const older = nextCursor(logs.data?.links.next);
  const [requestId, setRequestId] = useState('');
  const [draft, setDraft] = useState<Filters>(filters);

  const apply = (next: Filters) => {
    const query = new URLSearchParams();
    if (mode === 'live') query.set('mode', 'live');
    for (const name of FILTERS) if (next[name].trim()) query.set(name, next[name].trim());
    navigate(`/developers/logs${query.size ? `?${query}` : ''}`);
  };

  return (
    <>
      <PageHeading>Request logs</PageHeading>
      <p>
        Your calls to the public API with <strong>{mode}</strong> keys, newest first (the last 30 days). Bodies, query strings and keys are never kept.
      </p>
      <form
        class="panel"
        role="search"
        aria-label="Find a request by its id"
        onSubmit={(event) => {
          event.preventDefault();
          const id = requestId.trim();
          if (id) navigate(inMode(`/developers/logs/${encodeURIComponent(id)}`, mode));
        }}
      >
        <label for="request-id">Request id (the answer’s <code>request-id</code> header)</label>
        <input id="request-id" required value={requestId} onInput={(e) => setRequestId(e.currentTarget.value)} />
        <button type="submit">Find request</button>
      </form>
      <form
        class="panel filters"
        aria-label="Filter requests"
        onSubmit={(event) => {
          event.preventDefault();
          apply(draft);
        }}
      >
        <div>
          <label for="filter-status">Status</label>
          <input id="filter-status" list="status-classes" value={draft.status} placeholder="2xx, 4xx, 5xx or 404" aria-describedby="filter-status-hint" onInput={(e) => setDraft({ ...draft, status: e.currentTarget.value })} />
          <datalist id="status-classes">
            <option value="2xx" />
            <option value="4xx" />
            <option value="5xx" />
          </datalist>
          <span id="filter-status-hint" class="hint">
            A class or a code
          </span>
        </div>
        <div>
          <label for="filter-route">Route</label>
          <input id="filter-route" value={draft.route} placeholder="GET /members/{id}" aria-describedby="filter-route-hint" onInput={(e) => setDraft({ ...draft, route: e.currentTarget.value })} />
          <span id="filter-route-hint" class="hint">
            A route or an operation id
          </span>
        </div>
        <div>
          <label for="filter-from">From</label>
          <input id="filter-from" type="datetime-local" step={1} value={draft.from} onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })} />
        </div>
        <div>
          <label for="filter-to">Until</label>
          <input id="filter-to" type="datetime-local" step={1} value={draft.to} onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })} />
        </div>
        <div class="filter-buttons">
          <button type="submit">Filter</button>{' '}
          <button
            type="button"
            onClick={() => {
              const none = { status: '', route: '', from: '', to: '' };
              setDraft(none);
              apply(none);
            }}
          >
            Clear filters
          </button>
        </div>
      </form>
      <LoadStatus state={logs} what="the requests" />
      {logs.data && logs.data.data.length === 0 && <Empty>{older ? 'No match on this page: look at older requests.' : `No ${mode} request matches.`}</Empty>}
      {logs.data && logs.data.data.length > 0 && <RequestTable logs={logs.data.data} mode={mode} caption={`Requests in ${mode} mode`} />}
      <Pager
        of="requests"
        labels={['Newer requests', 'Older requests']}
        newer={cursors.length > 0 ? () => setWalked({ key, cursors: cursors.slice(0, -1) }) : undefined}
        older={older ? () => setWalked({ key, cursors: [...cursors, older] }) : undefined}
      />
    </>
  );
}

type RequestLog = {
  id: string;
  attributes: { 'created-time': string; method: string; path: string; status: number; 'duration-ms': number | null; mode: 'test' | 'live' };
};

/** The requests as a table, each linked to its detail (Home shows the newest ones with it too). */
export function RequestTable(props: { logs: RequestLog[]; mode: 'test' | 'live'; caption: string }) {
  return (
    <table>
      <caption class="visually-hidden">{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Request</th>
          <th scope="col">Status</th>
          <th scope="col">Duration</th>
        </tr>
      </thead>
      <tbody>
        {props.logs.map((log) => (
          <tr key={log.id}>
            <td>
              <Link href={inMode(`/developers/logs/${encodeURIComponent(log.id)}`, props.mode)}>
                {formatTime(log.attributes['created-time'])}
                <span class="visually-hidden">, request {log.id}</span>
              </Link>
            </td>
            <td>
              <code>
                {log.attributes.method} {log.attributes.path}
              </code>{' '}
              {log.attributes.mode === 'test' && <span class="badge-test">Test</span>}
            </td>
            <td class={log.attributes.status >= 400 ? 'status-failed' : undefined}>{log.attributes.status}</td>
            <td>{log.attributes['duration-ms'] === null ? '—' : `${log.attributes['duration-ms']} ms`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One request, by its id. A request of the other mode is not shown here, only a link to it in its mode. */
export function RequestLogDetail(props: { place: Place; id: string }) {
  const { mode } = props.place;
  const { id } = props;
  const log = useLoad(() => must(api.GET('/v1/request-logs/{id}/', { params: { path: { id } } })), [id]);
  const entry = log.data?.data;
  return (
    <>
      <PageHeading>Request {id}</PageHeading>
      <p>
        <Link href={inMode('/developers/logs', mode)}>All requests</Link>
      </p>
      <LoadStatus state={log} what="the request" />
      {entry && entry.attributes.mode !== mode && (
        <p class="notice">
          This request was made with a {entry.attributes.mode} key.{' '}
          <Link href={inMode(`/developers/logs/${encodeURIComponent(id)}`, entry.attributes.mode)}>See it in {entry.attributes.mode} mode</Link>
        </p>
      )}
      {entry && entry.attributes.mode === mode && (
        <dl class="facts" data-testid="request-log">
          <dt>Time</dt>
          <dd>{formatTime(entry.attributes['created-time'])}</dd>
          <dt>Mode</dt>
          <dd>
            {entry.attributes.mode} {entry.attributes.mode === 'test' && <span class="badge-test">Test</span>}
          </dd>
          <dt>Method</dt>
          <dd>
            <code>{entry.attributes.method}</code>
          </dd>
          <dt>Path</dt>
          <dd>
            <code class="wrap">{entry.attributes.path}</code>
          </dd>
          <dt>Route</dt>
          <dd>
            {entry.attributes.route ? <code>{entry.attributes.route}</code> : '—'}
            {entry.attributes['operation-id'] && <span class="meta"> ({entry.attributes['operation-id']})</span>}
          </dd>
          <dt>Status</dt>
          <dd>{entry.attributes.status}</dd>
          <dt>Duration</dt>
          <dd>{entry.attributes['duration-ms'] === null ? '—' : `${entry.attributes['duration-ms']} ms`}</dd>
          <dt>API version</dt>
          <dd>{entry.attributes['api-version'] ?? '—'}</dd>
          <dt>Error</dt>
          <dd>{entry.attributes['error-code'] ? <code>{entry.attributes['error-code']}</code> : '—'}{entry.attributes['error-type'] && <span class="meta"> ({entry.attributes['error-type']})</span>}</dd>
          <dt>Replayed</dt>
          <dd>{entry.attributes['idempotent-replayed'] ? 'yes: the stored answer of an earlier request with the same idempotency key' : 'no'}</dd>
          <dt>API key</dt>
          <dd>{entry.attributes['api-key-id'] ? <code>{entry.attributes['api-key-id']}</code> : '—'}</dd>
        </dl>
      )}
    </>
  );
}
