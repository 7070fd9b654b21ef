import { useState } from 'preact/hooks';
import { api, must } from '../api/client';
import type { paths } from '../api/schema';
import type { Place } from '../router';
import { can, type Me } from '../session';
import { Empty, ErrorView, formatTime, LoadStatus, PageHeading, SecretOnce, useLoad } from '../ui';

type ApiKey = paths['/v1/api-keys/']['get']['responses'][200]['content']['application/json']['data'][number];

/** How long a rolled key keeps working beside its successor. */
const GRACE_PERIODS = [
  { seconds: 0, label: 'Now (revoke the old key at once)' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '24 hours' },
  { seconds: 259_200, label: '3 days' },
  { seconds: 604_800, label: '7 days' },
];

/**
 * Developers › API keys: the keys of the current mode. A key's secret is shown once, in the
 * answer that made it, and kept only in this component's memory (never in storage or an
 * address). A live key's creation and roll ask for the password (step-up).
 */
export function ApiKeys(props: { place: Place; me: Me }) {
  const { mode } = props.place;
  const manage = can(props.me, 'api-keys.manage');
  const keys = useLoad(() => must(api.GET('/v1/api-keys/', { params: { query: { 'filter[mode]': mode, 'page[limit]': 100 } } })), [mode]);
  const [secret, setSecret] = useState<{ label: string; value: string }>();
  const [failure, setFailure] = useState<unknown>();
  const [creating, setCreating] = useState(false);
  const [rolling, setRolling] = useState<ApiKey>();

  const act = async (action: () => Promise<void>) => {
    setFailure(undefined);
    try {
      await action();
      keys.reload();
    } catch (error) {
      setFailure(error);
    }
  };

  return (
    <>
      <PageHeading>API keys</PageHeading>
      <p>
        Keys for <strong>{mode === 'test' ? 'test mode' : 'live mode'}</strong>: {mode === 'test' ? 'they see only test data.' : 'they reach your organization’s real data.'}
      </p>
      {secret && <SecretOnce label={secret.label} secret={secret.value} />}
      {failure !== undefined && <ErrorView failure={failure} />}
      {manage && !creating && !rolling && (
        <p>
          <button type="button" onClick={() => setCreating(true)}>
            Create key
          </button>
        </p>
      )}
      {creating && (
        <CreateKey
          mode={mode}
          onCancel={() => setCreating(false)}
          onSubmit={(name, password) =>
            act(async () => {
              const meta = mode === 'live' ? { meta: { password } } : {};
              const { data } = await must(api.POST('/v1/api-keys/', { body: { data: { type: 'api-keys', attributes: { mode, name: name || null } }, ...meta } }));
              setSecret({ label: `The secret of ${data.attributes.name ?? 'the new key'}`, value: (data.attributes as { secret?: string }).secret ?? '' });
              setCreating(false);
            })
          }
        />
      )}
      {rolling && (
        <RollKey
          apiKey={rolling}
          onCancel={() => setRolling(undefined)}
          onSubmit={(seconds, password) =>
            act(async () => {
              const body = { 'expires-in-seconds': seconds, ...(rolling.attributes.mode === 'live' ? { password } : {}) };
              const { data } = await must(api.POST('/v1/api-keys/{id}/roll/', { params: { path: { id: rolling.id } }, body }));
              setSecret({ label: `The new secret of ${data.attributes.name ?? 'the key'}`, value: (data.attributes as { secret?: string }).secret ?? '' });
              setRolling(undefined);
            })
          }
        />
      )}
      <LoadStatus state={keys} what="the keys" />
      {keys.data && keys.data.data.length === 0 && <Empty>No {mode} key yet.</Empty>}
      {keys.data && keys.data.data.length > 0 && (
        <table>
          <caption class="visually-hidden">API keys in {mode} mode</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              {manage && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {keys.data.data.map((key) => (
              <tr key={key.id}>
                <td>
                  {key.attributes.name ?? <em>no name</em>} {key.attributes.mode === 'test' && <span class="badge-test">Test</span>}
                </td>
                <td>
                  <code>{key.attributes['redacted-key']}</code>
                </td>
                <td>
                  {key.attributes.status}
                  {key.attributes.status === 'expiring' && ` until ${formatTime(key.attributes['expires-time'])}`}
                </td>
                <td>{formatTime(key.attributes['created-time'])}</td>
                <td>{key.attributes['last-used-time'] ? formatTime(key.attributes['last-used-time']) : 'never'}</td>
                {manage && (
                  <td class="actions">
                    {key.attributes.status === 'active' && (
                      <button type="button" onClick={() => setRolling(key)} aria-label={`Roll ${key.attributes.name ?? key.attributes['redacted-key']}`}>
                        Roll
                      </button>
                    )}
                    {key.attributes.status !== 'revoked' && (
                      <button
                        type="button"
                        class="danger"
                        aria-label={`Revoke ${key.attributes.name ?? key.attributes['redacted-key']}`}
                        onClick={() =>
                          confirm(`Revoke ${key.attributes['redacted-key']}? Calls with it fail at once.`) &&
                          act(async () => {
                            await must(api.POST('/v1/api-keys/{id}/revoke/', { params: { path: { id: key.id } } }));
                          })
                        }
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function CreateKey(props: { mode: 'test' | 'live'; onCancel: () => void; onSubmit: (name: string, password: string) => Promise<void> }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  return (
    <form
      class="panel"
      aria-label="Create key"
      onSubmit={(event) => {
        event.preventDefault();
        void props.onSubmit(name, password);
      }}
    >
      <h2>Create a {props.mode} key</h2>
      <label for="key-name">Name</label>
      <input id="key-name" value={name} maxLength={100} onInput={(e) => setName(e.currentTarget.value)} />
      {props.mode === 'live' && <PasswordStepUp value={password} onInput={setPassword} />}
      <button type="submit">Create</button>{' '}
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
    </form>
  );
}

function RollKey(props: { apiKey: ApiKey; onCancel: () => void; onSubmit: (seconds: number, password: string) => Promise<void> }) {
  const [seconds, setSeconds] = useState(86_400);
  const [password, setPassword] = useState('');
  return (
    <form
      class="panel"
      aria-label="Roll key"
      onSubmit={(event) => {
        event.preventDefault();
        void props.onSubmit(seconds, password);
      }}
    >
      <h2>Roll {props.apiKey.attributes['redacted-key']}</h2>
      <p>A new key replaces this one. The old key keeps working for the grace period you choose, so that you can deploy the new one.</p>
      <label for="grace">Old key stops working</label>
      <select id="grace" value={String(seconds)} onChange={(e) => setSeconds(Number(e.currentTarget.value))}>
        {GRACE_PERIODS.map((period) => (
          <option value={String(period.seconds)}>{period.seconds === 0 ? period.label : `in ${period.label}`}</option>
        ))}
      </select>
      {props.apiKey.attributes.mode === 'live' && <PasswordStepUp value={password} onInput={setPassword} />}
      <button type="submit">Roll key</button>{' '}
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
    </form>
  );
}

function PasswordStepUp(props: { value: string; onInput: (value: string) => void }) {
  return (
    <>
      <label for="step-up-password">Your password (live keys need it)</label>
      <input id="step-up-password" type="password" autocomplete="current-password" required value={props.value} onInput={(e) => props.onInput(e.currentTarget.value)} />
    </>
  );
}
