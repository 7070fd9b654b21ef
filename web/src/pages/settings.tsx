import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api, must } from '../api/client';
import type { paths } from '../api/schema';
import { Link, inMode, navigate, type Place } from '../router';
import { can, type Me } from '../session';
import { Empty, ErrorView, formatTime, LoadStatus, PageHeading, Pager, useLoad } from '../ui';

type OrganizationPatch = NonNullable<paths['/v1/organizations/{id}/']['patch']['requestBody']>['content']['application/json']['data']['attributes'];
type ApiVersion = NonNullable<OrganizationPatch['default-api-version']>;
type TotpSetup = paths['/v1/mfa-totp/']['post']['responses'][201]['content']['application/json']['data'];

/**
 * The released API versions, as the management API's document names them for
 * `default-api-version`: `satisfies` fails the dashboard's type check when the generated client
 * names a version this list lacks (or this list one it does not), so it cannot drift.
 */
const RELEASED_VERSIONS = Object.keys({ '2022-05-02': true, '2022-07-19': true } satisfies Record<ApiVersion, true>) as ApiVersion[];

const SECTIONS = [
  { path: '/settings', label: 'Organization' },
  { path: '/settings/account', label: 'Your account' },
  { path: '/settings/audit', label: 'Audit log', permission: 'audit.read' as const },
];

/** Settings and its sub-navigation: Organization, Your account, Audit log. */
export function Settings(props: { place: Place; me: Me }) {
  const { place, me } = props;
  let page: ComponentChildren;
  switch (place.path) {
    case '/settings/account':
      page = <Account me={me} />;
      break;
    case '/settings/audit':
      page = <AuditLog place={place} />;
      break;
    default:
      page = <Organization me={me} />;
  }
  return (
    <>
      <nav aria-label="Settings" class="subnav">
        <ul>
          {SECTIONS.filter((section) => !section.permission || can(me, section.permission)).map((section) => (
            <li>
              <Link href={inMode(section.path, place.mode)} aria-current={place.path === section.path ? 'page' : undefined}>
                {section.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {page}
    </>
  );
}

function Organization(props: { me: Me }) {
  const writable = can(props.me, 'organization.write');
  const organization = useLoad(() => must(api.GET('/v1/organizations/{id}/', { params: { path: { id: props.me.organizationId } } })), [props.me.organizationId]);
  const [draft, setDraft] = useState<{ 'display-name': string; timezone: string; 'default-api-version': string }>();
  const [failure, setFailure] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const attributes = organization.data?.data.attributes;
  const shown = draft ?? (attributes && { 'display-name': attributes['display-name'], timezone: attributes.timezone, 'default-api-version': attributes['default-api-version'] });
  const zones = Intl.supportedValuesOf('timeZone');
  if (shown && !zones.includes(shown.timezone)) zones.unshift(shown.timezone);

  const save = async (event: Event) => {
    event.preventDefault();
    if (!shown) return;
    setFailure(undefined);
    setSaved(false);
    setBusy(true);
    try {
      const changes: OrganizationPatch = {
        'display-name': shown['display-name'],
        timezone: shown.timezone,
        'default-api-version': shown['default-api-version'] as ApiVersion,
      };
      await must(api.PATCH('/v1/organizations/{id}/', { params: { path: { id: props.me.organizationId } }, body: { data: { type: 'organizations', attributes: changes } } }));
      setSaved(true);
      setDraft(undefined);
      organization.reload();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeading>Organization</PageHeading>
      <LoadStatus state={organization} what="the organization" />
      {attributes && shown && (
        <>
          {!writable && <p class="notice">Only owners and admins change these settings.</p>}
          {failure !== undefined && <ErrorView failure={failure} />}
          {saved && (
            <p class="notice" role="status">
              Saved.
            </p>
          )}
          <form class="panel" aria-label="Organization settings" onSubmit={save}>
            <label for="org-display-name">Display name</label>
            <input
              id="org-display-name"
              required
              maxLength={200}
              disabled={!writable}
              value={shown['display-name']}
              onInput={(e) => setDraft({ ...shown, 'display-name': e.currentTarget.value })}
            />
            <label for="org-timezone">Time zone</label>
            <select id="org-timezone" disabled={!writable} value={shown.timezone} onChange={(e) => setDraft({ ...shown, timezone: e.currentTarget.value })}>
              {zones.map((zone) => (
                <option value={zone}>{zone}</option>
              ))}
            </select>
            <label for="org-api-version">Default API version</label>
            <select
              id="org-api-version"
              disabled={!writable}
              aria-describedby="org-api-version-hint"
              value={shown['default-api-version']}
              onChange={(e) => setDraft({ ...shown, 'default-api-version': e.currentTarget.value })}
            >
              {RELEASED_VERSIONS.map((version) => (
                <option value={version}>
                  {version}
                  {version === RELEASED_VERSIONS[RELEASED_VERSIONS.length - 1] ? ' (latest)' : ''}
                </option>
              ))}
            </select>
            <p class="hint" id="org-api-version-hint">
              Public API calls that send no <code>osma-api-version</code> header are answered in this version.
            </p>
            {writable && (
              <button type="submit" disabled={busy}>
                Save
              </button>
            )}
          </form>
          <h2>Rate limits</h2>
          <p>Requests per second per endpoint; the Osma platform team sets them.</p>
          <dl class="facts">
            <dt>Test mode</dt>
            <dd>{attributes['rate-limits'].test}</dd>
            <dt>Live mode</dt>
            <dd>{attributes['rate-limits'].live}</dd>
          </dl>
          <p class="meta">
            Organization <code>{attributes.name}</code> · created {formatTime(attributes['created-time'])}
          </p>
        </>
      )}
    </>
  );
}

function Account(props: { me: Me }) {
  return (
    <>
      <PageHeading>Your account</PageHeading>
      <p>
        Signed in as <strong>{props.me.email}</strong>.
      </p>
      <ChangePassword me={props.me} />
      <Totp />
      <Sessions me={props.me} />
    </>
  );
}

function ChangePassword(props: { me: Me }) {
  const [oldPassword, setOldPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [keepSessions, setKeepSessions] = useState(false);
  const [failure, setFailure] = useState<unknown>();
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setFailure(undefined);
    setDone(false);
    setBusy(true);
    try {
      await must(
        api.POST('/v1/users/{id}/change-password/', {
          params: { path: { id: props.me.userId } },
          body: { 'old-password': oldPassword, 'new-password': newPassword, 'maintain-active-sessions': keepSessions },
        }),
      );
      setOldPassword('');
      setNewPassword('');
      setDone(true);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="password-heading">
      <h2 id="password-heading">Password</h2>
      {failure !== undefined && <ErrorView failure={failure} />}
      {done && (
        <p class="notice" role="status">
          Your password is changed.{keepSessions ? '' : ' Your other sessions have ended.'}
        </p>
      )}
      <form class="panel" aria-label="Change password" onSubmit={submit}>
        <label for="old-password">Current password</label>
        <input id="old-password" type="password" autocomplete="current-password" required value={oldPassword} onInput={(e) => setOldPassword(e.currentTarget.value)} />
        <label for="new-password">New password</label>
        <input
          id="new-password"
          type="password"
          autocomplete="new-password"
          required
          minLength={10}
          aria-describedby="new-password-hint"
          value={newPassword}
          onInput={(e) => setNewPassword(e.currentTarget.value)}
        />
        <p class="hint" id="new-password-hint">
          At least 10 characters, not a common password, not your email or name.
        </p>
        <label class="inline">
          <input type="checkbox" checked={keepSessions} onChange={(e) => setKeepSessions(e.currentTarget.checked)} /> Keep my other sessions signed in
        </label>
        <button type="submit" disabled={busy}>
          Change password
        </button>
      </form>
    </section>
  );
}

/**
 * TOTP: a setup shows its QR code (a PNG the API made, as a data: image the CSP allows) and its
 * secret once, in this component's memory only; enabling takes two consecutive codes and the
 * password. An enabled configuration can be disabled (password), one that is not enabled deleted.
 */
function Totp() {
  const configs = useLoad(() => must(api.GET('/v1/mfa-totp/', { params: { query: { 'page[limit]': 100 } } })), []);
  const [setup, setSetup] = useState<TotpSetup>();
  const [enabling, setEnabling] = useState<string>();
  const [disabling, setDisabling] = useState<string>();
  const [failure, setFailure] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  const enabled = configs.data?.data.some((config) => config.attributes.state === 'enabled');

  const act = async (action: () => Promise<void>) => {
    setFailure(undefined);
    setNotice(undefined);
    try {
      await action();
      configs.reload();
    } catch (error) {
      setFailure(error);
    }
  };

  return (
    <section aria-labelledby="totp-heading">
      <h2 id="totp-heading">Two-step sign-in (TOTP)</h2>
      <p>
        {enabled
          ? 'On: signing in asks for a code from your authenticator app.'
          : 'Off: add a code from an authenticator app to your password when you sign in.'}
      </p>
      {failure !== undefined && <ErrorView failure={failure} />}
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {!enabled && !setup && (
        <p>
          <button
            type="button"
            onClick={() =>
              act(async () => {
                const { data } = await must(api.POST('/v1/mfa-totp/', { body: {} }));
                setSetup(data);
                setEnabling(data.id);
              })
            }
          >
            Set up TOTP
          </button>
        </p>
      )}
      {setup && (
        <div class="secret" role="region" aria-label="Your TOTP secret">
          <p>
            <strong>Scan this code with your authenticator app</strong>, or type the secret into it. It is shown only this once.
          </p>
          <img
            src={`data:${setup.attributes.secret['provisioning-qrcode'].mimetype};base64,${setup.attributes.secret['provisioning-qrcode']['contents-base64']}`}
            width={setup.attributes.secret['provisioning-qrcode'].width}
            height={setup.attributes.secret['provisioning-qrcode'].height}
            alt="QR code of your TOTP secret, for an authenticator app"
          />
          <p>
            Secret: <code data-testid="totp-secret">{setup.attributes.secret['shared-secret-key']}</code>
          </p>
        </div>
      )}
      {enabling && (
        <EnableTotp
          onCancel={() => setEnabling(undefined)}
          onSubmit={(codes, password) =>
            act(async () => {
              await must(api.POST('/v1/mfa-totp/{id}/enable/', { params: { path: { id: enabling } }, body: { codes, password } }));
              setEnabling(undefined);
              setSetup(undefined);
              setNotice('TOTP is on: the next sign-in asks for a code.');
            })
          }
        />
      )}
      {disabling && (
        <form
          class="panel"
          aria-label="Disable TOTP"
          onSubmit={(event) => {
            event.preventDefault();
            const password = new FormData(event.currentTarget as HTMLFormElement).get('password');
            void act(async () => {
              await must(api.POST('/v1/mfa-totp/{id}/disable/', { params: { path: { id: disabling } }, body: { password: String(password ?? '') } }));
              setDisabling(undefined);
              setNotice('TOTP is off.');
            });
          }}
        >
          <label for="totp-disable-password">Your password</label>
          <input id="totp-disable-password" name="password" type="password" autocomplete="current-password" required />
          <button type="submit">Disable TOTP</button>{' '}
          <button type="button" onClick={() => setDisabling(undefined)}>
            Cancel
          </button>
        </form>
      )}
      <LoadStatus state={configs} what="your TOTP settings" />
      {configs.data && configs.data.data.length > 0 && (
        <table>
          <caption class="visually-hidden">Your TOTP configurations</caption>
          <thead>
            <tr>
              <th scope="col">State</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {configs.data.data.map((config) => (
              <tr key={config.id}>
                <td>{config.attributes.state}</td>
                <td>{formatTime(config.attributes['created-at'])}</td>
                <td>{config.attributes['last-used'] ? formatTime(config.attributes['last-used']) : 'never'}</td>
                <td class="actions">
                  {config.attributes.state === 'enabled' && (
                    <button type="button" onClick={() => setDisabling(config.id)}>
                      Disable
                    </button>
                  )}
                  {config.attributes.state === 'disabled' && !enabled && (
                    <button type="button" onClick={() => setEnabling(config.id)} aria-label="Enable again">
                      Enable
                    </button>
                  )}
                  {config.attributes.state !== 'enabled' && (
                    <button
                      type="button"
                      class="danger"
                      onClick={() =>
                        confirm('Delete this TOTP configuration? Its codes stop counting for good.') &&
                        act(async () => {
                          await must(api.DELETE('/v1/mfa-totp/{id}/', { params: { path: { id: config.id } } }));
                          if (setup?.id === config.id) setSetup(undefined);
                          if (enabling === config.id) setEnabling(undefined);
                          setNotice('Deleted.');
                        })
                      }
                    >
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function EnableTotp(props: { onCancel: () => void; onSubmit: (codes: string[], password: string) => Promise<void> }) {
  const [first, setFirst] = useState('');
  const [second, setSecond] = useState('');
  const [password, setPassword] = useState('');
  return (
    <form
      class="panel"
      aria-label="Enable TOTP"
      onSubmit={(event) => {
        event.preventDefault();
        void props.onSubmit([first.trim(), second.trim()], password);
      }}
    >
      <p>Type two consecutive codes of your app: one, then the next when it changes (every 30 seconds).</p>
      <label for="totp-code-1">First code</label>
      <input id="totp-code-1" inputMode="numeric" autocomplete="one-time-code" required maxLength={10} value={first} onInput={(e) => setFirst(e.currentTarget.value)} />
      <label for="totp-code-2">Next code</label>
      <input id="totp-code-2" inputMode="numeric" autocomplete="one-time-code" required maxLength={10} value={second} onInput={(e) => setSecond(e.currentTarget.value)} />
      <label for="totp-password">Your password</label>
      <input id="totp-password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
      <button type="submit">Enable TOTP</button>{' '}
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
    </form>
  );
}

/** Your active sessions, newest first, each with its own sign-out; ending this one signs this browser out. */
function Sessions(props: { me: Me }) {
  const sessions = useLoad(() => must(api.GET('/v1/sessions/', { params: { query: { 'page[limit]': 100 } } })), []);
  const [failure, setFailure] = useState<unknown>();
  const end = async (id: string) => {
    setFailure(undefined);
    try {
      await must(api.DELETE('/v1/sessions/{id}/', { params: { path: { id } } }));
      if (id === props.me.sessionId) navigate('/sign-in', { replace: true });
      else sessions.reload();
    } catch (error) {
      setFailure(error);
    }
  };
  return (
    <section aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Your sessions</h2>
      {failure !== undefined && <ErrorView failure={failure} />}
      <LoadStatus state={sessions} what="your sessions" />
      {sessions.data && sessions.data.data.length === 0 && <Empty>No active session.</Empty>}
      {sessions.data && sessions.data.data.length > 0 && (
        <table>
          <caption class="visually-hidden">Your active sessions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Signed in</th>
              <th scope="col">Ends</th>
              <th scope="col">Session</th>
              <th scope="col">
                <span class="visually-hidden">Sign out</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.data.data.map((session) => (
              <tr key={session.id}>
                <td>{formatTime(session.attributes['created-time'])}</td>
                <td>{formatTime(session.attributes['expiration-time'])}</td>
                <td>
                  <code>{session.id}</code> {session.id === props.me.sessionId && <strong>(this browser)</strong>}
                </td>
                <td>
                  <button type="button" class="small" onClick={() => end(session.id)} aria-label={session.id === props.me.sessionId ? 'Sign out this browser' : `Sign out session ${session.id}`}>
                    Sign out
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The audit trail, newest first, by action and actor; it needs `audit.read` (owners and admins). */
function AuditLog(props: { place: Place }) {
  const [filters, setFilters] = useState({ action: '', actor: '' });
  const [form, setForm] = useState(filters);
  const [after, setAfter] = useState<string[]>([]);
  const cursor = after[after.length - 1];
  const events = useLoad(
    () =>
      must(
        api.GET('/v1/audit-events/', {
          params: {
            query: {
              'page[limit]': 50,
              ...(filters.action ? { 'filter[action]': filters.action } : {}),
              ...(filters.actor ? { 'filter[actor-id]': filters.actor } : {}),
              ...(cursor ? { 'page[after]': cursor } : {}),
            },
          },
        }),
      ),
    [filters.action, filters.actor, cursor],
  );
  const next = events.data?.links.next ? (new URL(events.data.links.next, location.origin).searchParams.get('page[after]') ?? undefined) : undefined;
  return (
    <>
      <PageHeading>Audit log</PageHeading>
      <p>What was done in your organization (test and live alike), newest first.</p>
      <form
        class="filters"
        aria-label="Filter the audit log"
        onSubmit={(event) => {
          event.preventDefault();
          setAfter([]);
          setFilters({ action: form.action.trim(), actor: form.actor.trim() });
        }}
      >
        <div>
          <label for="audit-action">Action</label>
          <input id="audit-action" placeholder="mfa.enabled,login.failed" aria-describedby="audit-action-hint" value={form.action} onInput={(e) => setForm({ ...form, action: e.currentTarget.value })} />
          <p class="hint" id="audit-action-hint">
            One action, or several comma-separated.
          </p>
        </div>
        <div>
          <label for="audit-actor">Actor id</label>
          <input id="audit-actor" placeholder="usr_…" value={form.actor} onInput={(e) => setForm({ ...form, actor: e.currentTarget.value })} />
        </div>
        <div>
          <button type="submit">Filter</button>
        </div>
      </form>
      <LoadStatus state={events} what="the audit log" />
      {events.data && events.data.data.length === 0 && <Empty>No event{filters.action || filters.actor ? ' matches these filters' : ' yet'}.</Empty>}
      {events.data && events.data.data.length > 0 && (
        <table>
          <caption class="visually-hidden">Audit events, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Action</th>
              <th scope="col">Actor</th>
              <th scope="col">Target</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {events.data.data.map((event) => (
              <tr key={event.id}>
                <td>{formatTime(event.attributes['created-time'])}</td>
                <td>
                  <code>{event.attributes.action}</code>
                </td>
                <td>
                  {event.attributes.actor.type}
                  {event.attributes.actor.id && (
                    <>
                      {' '}
                      <code>{event.attributes.actor.id}</code>
                    </>
                  )}
                  {event.attributes.ip && <span class="meta"> from {event.attributes.ip}</span>}
                </td>
                <td>{event.attributes.target ? <code>{`${event.attributes.target.type} ${event.attributes.target.id}`}</code> : '—'}</td>
                <td class="meta">
                  {Object.entries(event.attributes.data)
                    .map(([key, value]) => `${key}: ${String(value)}`)
                    .join(' · ') || '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager
        of="audit events"
        newer={after.length > 0 ? () => setAfter(after.slice(0, -1)) : undefined}
        older={next ? () => setAfter([...after, next]) : undefined}
      />
    </>
  );
}
