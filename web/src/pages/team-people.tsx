import { useState } from 'preact/hooks';
import { api, must } from '../api/client';
import { Link, inMode, type Place } from '../router';
import { can, type Me } from '../session';
import { Empty, ErrorView, formatTime, Loading, LoadStatus, PageHeading, Pager, useLoad } from '../ui';
import { ALLOWED_MOVES, Confirm, InviteAction, STATES, loadRoles, mayGrant, personName, roleName, stateLabel, type User } from './team-common';

const PAGE_SIZE = 25;

/** The cursor `links.next` carries (`page[after]`, in id order). */
function nextCursor(next: string | undefined): string | undefined {
  if (!next) return undefined;
  return new URL(next, location.origin).searchParams.get('page[after]') ?? undefined;
}

/** Team › People: search, filter by state and role, page through; each row opens the person. */
export function People(props: { place: Place; me: Me }) {
  const { place, me } = props;
  const manageUsers = can(me, 'users.manage');
  const [text, setText] = useState('');
  const [search, setSearch] = useState({ text: '', state: '', role: '' });
  const [cursors, setCursors] = useState<string[]>([]);
  const [invited, setInvited] = useState<string>();
  const roles = useLoad(loadRoles, []);
  const after = cursors[cursors.length - 1];
  const people = useLoad(
    () =>
      must(
        api.GET('/v1/users/', {
          params: {
            query: {
              text: search.text || undefined,
              'filter[state]': search.state || undefined,
              'filter[role-id]': search.role || undefined,
              'page[limit]': PAGE_SIZE,
              'page[after]': after,
            },
          },
        }),
      ),
    [search.text, search.state, search.role, after],
  );
  const refine = (change: Partial<typeof search>) => {
    setSearch((current) => ({ ...current, ...change }));
    setCursors([]);
  };
  const next = nextCursor(people.data?.links.next);

  return (
    <>
      <PageHeading>People</PageHeading>
      <p>Everyone in your organization, in every state. People are the same in test and live mode.</p>
      {invited && (
        <p class="notice" role="status">
          Invitation sent to {invited}.
        </p>
      )}
      <InviteAction
        me={me}
        allowed={manageUsers}
        roles={roles.data}
        onInvited={(email) => {
          setInvited(email);
          people.reload();
        }}
      />
      <form
        class="filters"
        role="search"
        aria-label="Find people"
        onSubmit={(event) => {
          event.preventDefault();
          refine({ text: text.trim() });
        }}
      >
        <div>
          <label for="people-text">Name or email</label>
          <input id="people-text" type="search" maxLength={255} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </div>
        <div>
          <label for="people-state">State</label>
          <select id="people-state" value={search.state} onChange={(e) => refine({ state: e.currentTarget.value })}>
            <option value="">Any state</option>
            {STATES.map((state) => (
              <option value={state}>{stateLabel(state)}</option>
            ))}
          </select>
        </div>
        <div>
          <label for="people-role">Role</label>
          <select id="people-role" value={search.role} onChange={(e) => refine({ role: e.currentTarget.value })}>
            <option value="">Any role</option>
            {roles.data?.map((role) => (
              <option value={role.id}>{role.attributes['display-name']}</option>
            ))}
          </select>
        </div>
        <div>
          <button type="submit">Search</button>
        </div>
      </form>
      {roles.failure !== undefined && <ErrorView failure={roles.failure} />}
      <LoadStatus state={people} what="the people" />
      {people.data && people.data.data.length === 0 && <Empty>{search.text || search.state || search.role ? 'Nobody matches.' : 'Nobody here yet.'}</Empty>}
      {people.data && people.data.data.length > 0 && (
        <table>
          <caption class="visually-hidden">People</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">State</th>
              <th scope="col">Roles</th>
            </tr>
          </thead>
          <tbody>
            {people.data.data.map((person) => (
              <tr key={person.id}>
                <td>
                  <Link href={inMode(`/team/people/${encodeURIComponent(person.id)}`, place.mode)}>{personName(person)}</Link>
                </td>
                <td>{person.attributes.email}</td>
                <td>{stateLabel(person.attributes.state)}</td>
                <td>{(person.attributes.roles ?? []).map((role) => role['display-name']).join(', ') || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager
        of="people"
        labels={['Previous', 'Next']}
        newer={cursors.length > 0 ? () => setCursors((current) => current.slice(0, -1)) : undefined}
        older={next ? () => setCursors((current) => [...current, next]) : undefined}
      />
    </>
  );
}

const ATTRIBUTES: { key: keyof User['attributes']; label: string }[] = [
  { key: 'email', label: 'Email' },
  { key: 'first-name', label: 'First name' },
  { key: 'middle-name', label: 'Middle name' },
  { key: 'last-name', label: 'Last name' },
  { key: 'phone', label: 'Phone' },
  { key: 'locale', label: 'Locale' },
  { key: 'external-ref', label: 'External reference' },
  { key: 'designation', label: 'Designation' },
  { key: 'sub-function', label: 'Sub-function' },
  { key: 'category', label: 'Category' },
  { key: 'employment-type', label: 'Employment type' },
  { key: 'registration-invite', label: 'Invitation' },
  { key: 'manager', label: 'Manager' },
];

function actorName(actor: string | null, me: string, person: string, emails: Map<string, string> | undefined) {
  if (actor === null) return 'Osma';
  if (actor === me) return 'you';
  if (actor === person) return 'themselves';
  const email = emails?.get(actor);
  return email ?? <code>{actor}</code>;
}

function shown(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.join(', ') || '—';
  if (typeof value === 'object') return Object.values(value as Record<string, string>).join(' ');
  return String(value);
}

/** Team › People › one person: attributes, roles (add and remove), lifecycle moves, deactivation, history. */
export function Person(props: { place: Place; me: Me; id: string }) {
  const { place, me, id } = props;
  const manageUsers = can(me, 'users.manage');
  const manageRoles = can(me, 'roles.manage');
  const person = useLoad(() => must(api.GET('/v1/users/{id}/', { params: { path: { id } } })), [id]);
  const history = useLoad(async () => {
    const moves = await must(api.GET('/v1/users/{id}/state-transitions/', { params: { path: { id }, query: { 'page[limit]': 50 } } }));
    // Who made each move, by email: one lookup of at most 10 ids (the rest stay ids).
    const actors = [...new Set(moves.data.map((move) => move.attributes['actor-id']).filter((actor): actor is string => !!actor && actor !== me.userId && actor !== id))].slice(0, 10);
    const emails = new Map<string, string>();
    if (actors.length) {
      const found = await must(api.GET('/v1/user-emails/', { params: { query: { ids: actors.join(',') } } }));
      for (const person of found.data) emails.set(person.id, person.attributes.email);
    }
    return { ...moves, emails };
  }, [id]);
  const roles = useLoad(loadRoles, []);
  const [failure, setFailure] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const [toState, setToState] = useState('');
  const [reason, setReason] = useState('');
  const [adding, setAdding] = useState('');
  const [confirming, setConfirming] = useState(false);

  const act = async (what: string, action: () => Promise<unknown>) => {
    setFailure(undefined);
    setDone(undefined);
    try {
      await action();
      setDone(what);
      person.reload();
      history.reload();
    } catch (error) {
      setFailure(error);
    }
  };

  if (person.loading && !person.data) return <Loading what="the person" />;
  if (!person.data)
    return (
      <>
        <PageHeading>Person</PageHeading>
        <ErrorView failure={person.failure} />
        <p>
          <Link href={inMode('/team', place.mode)}>Back to people</Link>
        </p>
      </>
    );

  const user = person.data.data;
  const state = user.attributes.state ?? '';
  const stateName = state.split(':')[0] ?? '';
  const held = user.attributes.roles ?? [];
  const isOwner = held.some((role) => role.id === 'owner');
  const isMe = user.id === me.userId;
  // Nobody moves themselves, and only an owner moves an owner (docs/lifecycle.md).
  const mayMove = manageUsers && !isMe && (!isOwner || me.roles.includes('owner'));
  const moves = ALLOWED_MOVES[stateName] ?? [];
  const addable = (roles.data ?? []).filter((role) => !held.some((h) => h.id === role.id) && mayGrant(me, role));
  const removable = (roleId: string) => {
    const role = roles.data?.find((candidate) => candidate.id === roleId);
    return manageRoles && role !== undefined && mayGrant(me, role);
  };
  const name = personName(user);

  return (
    <>
      <p class="crumbs">
        <Link href={inMode('/team', place.mode)}>People</Link> ›
      </p>
      <PageHeading>{name}</PageHeading>
      <p>
        <span class={`state state-${stateName}`}>{stateLabel(state)}</span> <code>{state}</code>
      </p>
      {done && (
        <p class="notice" role="status">
          {done}
        </p>
      )}
      {failure !== undefined && <ErrorView failure={failure} />}

      <h2>Attributes</h2>
      <dl class="attributes">
        {ATTRIBUTES.map((attribute) => (
          <>
            <dt>{attribute.label}</dt>
            <dd>{shown(user.attributes[attribute.key])}</dd>
          </>
        ))}
        <dt>Joined</dt>
        <dd>{formatTime(user.attributes['date-created'])}</dd>
        <dt>Last sign-in</dt>
        <dd>{user.attributes['last-login-time'] ? formatTime(user.attributes['last-login-time']) : 'never'}</dd>
        {Object.entries(user.attributes.attributes ?? {}).map(([key, value]) => (
          <>
            <dt>{key}</dt>
            <dd>{value}</dd>
          </>
        ))}
      </dl>

      <h2>Roles</h2>
      {held.length === 0 && <Empty>No role.</Empty>}
      <ul class="roles">
        {held.map((role) => (
          <li>
            {role['display-name']}{' '}
            {removable(role.id) && (
              <button
                type="button"
                class="danger small"
                aria-label={`Remove the role ${role['display-name']}`}
                onClick={() =>
                  act(`${role['display-name']} removed.`, () =>
                    must(api.POST('/v1/roles/{id}/remove-user/', { params: { path: { id: role.id } }, body: { data: { type: 'roles', attributes: { 'user-id': user.id } } } })),
                  )
                }
              >
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      {manageRoles && addable.length > 0 && (
        <form
          class="inline"
          aria-label="Add a role"
          onSubmit={(event) => {
            event.preventDefault();
            if (!adding) return;
            void act(`${roleName(roles.data, adding)} given.`, async () => {
              await must(api.POST('/v1/role-users/', { body: { data: { type: 'role-users', attributes: { 'role-id': adding, 'user-id': user.id } } } }));
              setAdding('');
            });
          }}
        >
          <label for="add-role">Give a role</label>
          <select id="add-role" value={adding} onChange={(e) => setAdding(e.currentTarget.value)}>
            <option value="">Choose a role</option>
            {addable.map((role) => (
              <option value={role.id}>{role.attributes['display-name']}</option>
            ))}
          </select>
          <button type="submit" disabled={!adding}>
            Add role
          </button>
        </form>
      )}

      {mayMove && (
        <>
          <h2>Lifecycle</h2>
          {moves.length > 0 && (
            <form
              class="inline"
              aria-label="Move in the lifecycle"
              onSubmit={(event) => {
                event.preventDefault();
                if (!toState) return;
                void act(`Moved to ${stateLabel(toState)}.`, async () => {
                  await must(api.POST('/v1/users/{id}/state-transitions/', { params: { path: { id: user.id } }, body: { 'to-state': toState, 'reason-code': reason.trim() || null } }));
                  setToState('');
                  setReason('');
                });
              }}
            >
              <label for="to-state">Move to</label>
              <select id="to-state" value={toState} onChange={(e) => setToState(e.currentTarget.value)}>
                <option value="">Choose a state</option>
                {moves.map((target) => (
                  <option value={target}>{stateLabel(target)}</option>
                ))}
              </select>
              <label for="reason-code">Reason code (optional)</label>
              <input id="reason-code" maxLength={40} pattern="[A-Za-z0-9][A-Za-z0-9_.\-]*" placeholder="R-104" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
              <button type="submit" disabled={!toState}>
                Move
              </button>
            </form>
          )}
          {stateName !== 'inactive' && !confirming && (
            <p>
              <button type="button" class="danger" onClick={() => setConfirming(true)}>
                Deactivate
              </button>
            </p>
          )}
          {confirming && (
            <Confirm
              question={`Deactivate ${name}? They are signed out everywhere at once and can no longer sign in.`}
              action="Deactivate now"
              onCancel={() => setConfirming(false)}
              onConfirm={() => {
                setConfirming(false);
                void act(`${name} deactivated.`, () => must(api.POST('/v1/users/{id}/disable/', { params: { path: { id: user.id } } })));
              }}
            />
          )}
        </>
      )}

      <h2>History</h2>
      <LoadStatus state={history} what="the history" />
      {history.data && history.data.data.length === 0 && <Empty>No move yet.</Empty>}
      {history.data && history.data.data.length > 0 && (
        <table>
          <caption class="visually-hidden">State history, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Reason</th>
              <th scope="col">By</th>
            </tr>
          </thead>
          <tbody>
            {history.data.data.map((entry) => (
              <tr key={entry.id}>
                <td>{formatTime(entry.attributes['created-time'])}</td>
                <td>{entry.attributes['from-state'] ? stateLabel(entry.attributes['from-state']) : 'made'}</td>
                <td>{stateLabel(entry.attributes['to-state'])}</td>
                <td>{entry.attributes['reason-code'] ? <code>{entry.attributes['reason-code']}</code> : '—'}</td>
                <td>{actorName(entry.attributes['actor-id'], me.userId, user.id, history.data?.emails)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
