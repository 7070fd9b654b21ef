import { useState } from 'preact/hooks';
import { api, must } from '../api/client';
import type { paths } from '../api/schema';
import type { Place } from '../router';
import { can, type Me } from '../session';
import { Empty, ErrorView, formatTime, LoadStatus, PageHeading, SecretOnce, useLoad } from '../ui';

type Endpoint = paths['/v1/webhook-endpoints/']['get']['responses'][200]['content']['application/json']['data'][number];
export type EventType = Endpoint['attributes']['events'][number];

/** Every event type the API sends; the check below fails to compile when the API's list changes. */
export const EVENT_TYPES = ['tasks.created', 'tasks.updated', 'tasks.completed', 'tasks.deleted'] as const satisfies readonly EventType[];
const allListed: Exclude<EventType, (typeof EVENT_TYPES)[number]> extends never ? true : never = true;
void allListed;

/** Why the sender turned an endpoint off, in words. */
export const DISABLED_REASONS: Record<NonNullable<Endpoint['attributes']['disabled-reason']>, string> = {
  requested: 'disabled on request (an update)',
  failing: 'disabled by Osma: its last deliveries all failed',
  endpoint_gone: 'disabled by Osma: it answered 410 Gone',
};

/**
 * Developers › Webhooks: the mode's endpoints. A signing secret is shown once, in the answer of
 * create or rotate, and kept only in this component's memory.
 */
export function Webhooks(props: { place: Place; me: Me }) {
  const { mode } = props.place;
  const manage = can(props.me, 'developers.manage');
  const endpoints = useLoad(() => must(api.GET('/v1/webhook-endpoints/', { params: { query: { 'filter[mode]': mode, 'page[limit]': 100 } } })), [mode]);
  const [secret, setSecret] = useState<{ label: string; value: string }>();
  const [failure, setFailure] = useState<unknown>();
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<Endpoint>();
  const query = { 'filter[mode]': mode };

  const act = async (action: () => Promise<void>) => {
    setFailure(undefined);
    try {
      await action();
      endpoints.reload();
    } catch (error) {
      setFailure(error);
    }
  };
  const secretOf = (endpoint: { attributes: unknown }) => (endpoint.attributes as { secret?: string }).secret ?? '';

  return (
    <>
      <PageHeading>Webhooks</PageHeading>
      <p>
        Endpoints that receive the events of <strong>{mode} mode</strong>. Each delivery is signed with the endpoint’s secret.
      </p>
      {secret && <SecretOnce label={secret.label} secret={secret.value} />}
      {failure !== undefined && <ErrorView failure={failure} />}
      {manage && !adding && !editing && (
        <p>
          <button type="button" onClick={() => setAdding(true)}>
            Add endpoint
          </button>
        </p>
      )}
      {adding && (
        <EndpointForm
          title={`Add a ${mode} endpoint`}
          submitLabel="Add endpoint"
          onCancel={() => setAdding(false)}
          onSubmit={(values) =>
            act(async () => {
              const attributes = { mode, url: values.url, events: values.events, description: values.description || null };
              const { data } = await must(api.POST('/v1/webhook-endpoints/', { body: { data: { type: 'webhook-endpoints', attributes } } }));
              setSecret({ label: `The signing secret of ${data.attributes.url}`, value: secretOf(data) });
              setAdding(false);
            })
          }
        />
      )}
      {editing && (
        <EndpointForm
          title={`Edit ${editing.attributes.url}`}
          submitLabel="Save"
          endpoint={editing}
          onCancel={() => setEditing(undefined)}
          onSubmit={(values) =>
            act(async () => {
              const attributes = { url: values.url, events: values.events, description: values.description || null };
              await must(api.PATCH('/v1/webhook-endpoints/{id}/', { params: { path: { id: editing.id }, query }, body: { data: { type: 'webhook-endpoints', id: editing.id, attributes } } }));
              setEditing(undefined);
            })
          }
        />
      )}
      <LoadStatus state={endpoints} what="the endpoints" />
      {endpoints.data && endpoints.data.data.length === 0 && <Empty>No {mode} endpoint yet.</Empty>}
      {endpoints.data && endpoints.data.data.length > 0 && (
        <table>
          <caption class="visually-hidden">Webhook endpoints in {mode} mode</caption>
          <thead>
            <tr>
              <th scope="col">URL</th>
              <th scope="col">Events</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              {manage && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {endpoints.data.data.map((endpoint) => {
              const { attributes } = endpoint;
              const name = attributes.url;
              return (
                <tr key={endpoint.id}>
                  <td>
                    <code class="wrap">{attributes.url}</code> {attributes.mode === 'test' && <span class="badge-test">Test</span>}
                    {attributes.description && <div class="meta">{attributes.description}</div>}
                    <div class="meta">
                      <code>{endpoint.id}</code>
                    </div>
                  </td>
                  <td>{attributes.events.join(', ')}</td>
                  <td>
                    {attributes.status}
                    {attributes['disabled-reason'] && <div class="meta">{DISABLED_REASONS[attributes['disabled-reason']]}</div>}
                    {attributes['previous-secret-expires-at'] && <div class="meta">old secret signs until {formatTime(attributes['previous-secret-expires-at'])}</div>}
                  </td>
                  <td>{formatTime(attributes['created-at'])}</td>
                  {manage && (
                    <td class="actions">
                      {attributes.status === 'disabled' && (
                        <button type="button" aria-label={`Enable ${name}`} onClick={() => act(async () => void (await must(api.POST('/v1/webhook-endpoints/{id}/enable/', { params: { path: { id: endpoint.id }, query } }))))}>
                          Enable
                        </button>
                      )}
                      <button type="button" aria-label={`Edit ${name}`} onClick={() => (setAdding(false), setEditing(endpoint))}>
                        Edit
                      </button>
                      <button
                        type="button"
                        aria-label={`Rotate secret of ${name}`}
                        onClick={() =>
                          confirm(`Rotate the secret of ${name}? The old secret keeps signing beside the new one for 24 hours.`) &&
                          act(async () => {
                            const { data } = await must(api.POST('/v1/webhook-endpoints/{id}/rotate-secret/', { params: { path: { id: endpoint.id }, query } }));
                            setSecret({ label: `The new signing secret of ${name}`, value: secretOf(data) });
                          })
                        }
                      >
                        Rotate secret
                      </button>
                      <button
                        type="button"
                        class="danger"
                        aria-label={`Delete ${name}`}
                        onClick={() =>
                          confirm(`Delete the endpoint ${name}? It receives no more events; its past deliveries stay with their events.`) &&
                          act(async () => {
                            await must(api.DELETE('/v1/webhook-endpoints/{id}/', { params: { path: { id: endpoint.id }, query } }));
                          })
                        }
                      >
                        Delete
                      </button>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}

interface EndpointValues {
  url: string;
  events: EventType[];
  description: string;
}

function EndpointForm(props: { title: string; submitLabel: string; endpoint?: Endpoint; onCancel: () => void; onSubmit: (values: EndpointValues) => Promise<void> }) {
  const initial = props.endpoint?.attributes;
  const [url, setUrl] = useState(initial?.url ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [events, setEvents] = useState<EventType[]>(initial?.events ?? []);
  const toggle = (type: EventType, on: boolean) => setEvents((now) => (on ? [...now.filter((other) => other !== type), type] : now.filter((other) => other !== type)));
  return (
    <form
      class="panel"
      aria-label={props.title}
      onSubmit={(event) => {
        event.preventDefault();
        void props.onSubmit({ url, events: EVENT_TYPES.filter((type) => events.includes(type)), description });
      }}
    >
      <h2>{props.title}</h2>
      <label for="endpoint-url">Endpoint URL</label>
      <input id="endpoint-url" type="url" required value={url} maxLength={2048} placeholder="https://example.com/osma/webhooks" onInput={(e) => setUrl(e.currentTarget.value)} />
      <fieldset class="choices">
        <legend>Events to send</legend>
        {EVENT_TYPES.map((type) => (
          <label class="choice">
            <input type="checkbox" checked={events.includes(type)} onChange={(e) => toggle(type, e.currentTarget.checked)} /> <code>{type}</code>
          </label>
        ))}
      </fieldset>
      <label for="endpoint-description">Description</label>
      <input id="endpoint-description" value={description} maxLength={500} onInput={(e) => setDescription(e.currentTarget.value)} />
      <button type="submit">{props.submitLabel}</button>{' '}
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
    </form>
  );
}
