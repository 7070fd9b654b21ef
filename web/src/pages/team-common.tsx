import { BUILT_IN_ROLES, PERMISSIONS, isBuiltInRole, type Permission } from '@osma/roles';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, must } from '../api/client';
import type { paths } from '../api/schema';
import type { Me } from '../session';
import { ErrorView } from '../ui';

/** Shared by the Team pages (People, Invitations, Roles): labels, the grant rules as the page can know them, the Invite form. */

export type Role = paths['/v1/roles/']['get']['responses'][200]['content']['application/json']['data'][number];
export type User = paths['/v1/users/{id}/']['get']['responses'][200]['content']['application/json']['data'];

/** What each lifecycle state means to a reader (docs/lifecycle.md). */
const STATE_LABELS: Record<string, string> = {
  onboarding: 'Onboarding',
  active: 'Active',
  deboarding: 'Leaving',
  inactive: 'Deactivated',
};

export const STATES = Object.keys(STATE_LABELS);

/** `active:on-leave` as "Active (on leave)"; the default sub-states say nothing more than the state. */
export function stateLabel(state: string | undefined): string {
  if (!state) return '—';
  const [name = '', sub] = state.split(':');
  const label = STATE_LABELS[name] ?? name;
  const obvious = ['available', 'invited', 'notice', 'deactivated'];
  return sub && !obvious.includes(sub) ? `${label} (${sub.replaceAll(/[-_]/g, ' ')})` : label;
}

/** The moves docs/lifecycle.md allows between states (a sub-state change within a state is always allowed). */
export const ALLOWED_MOVES: Record<string, string[]> = {
  onboarding: ['active', 'inactive'],
  active: ['deboarding', 'inactive'],
  deboarding: ['active', 'inactive'],
  inactive: ['active', 'onboarding'],
};

/** Every permission the caller's built-in roles hold (a job role's are known only to the server). */
export function myPermissions(me: Me): Set<Permission> {
  const held = new Set<Permission>();
  for (const role of me.roles) if (isBuiltInRole(role)) for (const permission of BUILT_IN_ROLES[role].permissions) held.add(permission);
  return held;
}

/** The grant rules as far as the page knows them: nobody grants what they do not hold, only an owner grants owner. */
export function mayGrant(me: Me, role: Pick<Role, 'id'> & { attributes: Pick<Role['attributes'], 'permissions'> }): boolean {
  if (role.id === 'owner') return me.roles.includes('owner');
  const held = myPermissions(me);
  return role.attributes.permissions.every((permission) => held.has(permission));
}

export function permissionsHeld(me: Me): Permission[] {
  const held = myPermissions(me);
  return PERMISSIONS.filter((permission) => held.has(permission));
}

/** The organization's roles: built-in first, then job roles, oldest first. */
export async function loadRoles(): Promise<Role[]> {
  const { data } = await must(api.GET('/v1/roles/', { params: { query: { 'page[limit]': 1000 } } }));
  return data;
}

export function roleName(roles: Role[] | undefined, id: string): string {
  const role = roles?.find((candidate) => candidate.id === id);
  if (role) return role.attributes['display-name'];
  return isBuiltInRole(id) ? BUILT_IN_ROLES[id].displayName : id;
}

export function personName(user: { attributes: { 'first-name'?: string; 'last-name'?: string | null; email?: string } }): string {
  const name = [user.attributes['first-name'], user.attributes['last-name']].filter(Boolean).join(' ').trim();
  return name || user.attributes.email || '—';
}

/** The Invite button, opening the Invite form in its place; nothing for a role that may not invite. */
export function InviteAction(props: { me: Me; allowed: boolean; roles: Role[] | undefined; onInvited: (email: string) => void }) {
  const [inviting, setInviting] = useState(false);
  if (!props.allowed) return null;
  if (!inviting) {
    return (
      <p>
        <button type="button" onClick={() => setInviting(true)}>
          Invite
        </button>
      </p>
    );
  }
  return (
    <InviteForm
      me={props.me}
      roles={props.roles}
      onCancel={() => setInviting(false)}
      onDone={(email) => {
        setInviting(false);
        props.onInvited(email);
      }}
    />
  );
}

/** The Invite form: an email, optional names and the roles to give (only those the caller may grant). */
export function InviteForm(props: { me: Me; roles: Role[] | undefined; onDone: (email: string) => void; onCancel: () => void }) {
  const [email, setEmail] = useState('');
  const [first, setFirst] = useState('');
  const [last, setLast] = useState('');
  const [chosen, setChosen] = useState<string[]>(['viewer']);
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const emailInput = useRef<HTMLInputElement>(null);
  useEffect(() => emailInput.current?.focus(), []);
  const grantable = (props.roles ?? []).filter((role) => mayGrant(props.me, role));
  const toggle = (id: string, on: boolean) => setChosen((current) => (on ? [...current, id] : current.filter((role) => role !== id)));
  const submit = async (event: Event) => {
    event.preventDefault();
    setFailure(undefined);
    setBusy(true);
    try {
      const names = { ...(first.trim() ? { 'first-name': first.trim() } : {}), ...(last.trim() ? { 'last-name': last.trim() } : {}) };
      await must(
        api.POST('/v1/registration-invitations/', {
          body: { data: { type: 'registration-invitations', attributes: { 'invited-email': email.trim(), 'role-ids': chosen, ...names } } },
        }),
      );
      props.onDone(email.trim());
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="panel" aria-labelledby="invite-heading" onSubmit={submit}>
      <h2 id="invite-heading">Invite a person</h2>
      <p>They get a mail with a link, valid for 7 days, to set their password and join.</p>
      {failure !== undefined && <ErrorView failure={failure} />}
      <label for="invite-email">Email</label>
      <input id="invite-email" ref={emailInput} type="email" required autocomplete="off" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
      <label for="invite-first">First name (optional)</label>
      <input id="invite-first" maxLength={100} value={first} onInput={(e) => setFirst(e.currentTarget.value)} />
      <label for="invite-last">Last name (optional)</label>
      <input id="invite-last" maxLength={100} value={last} onInput={(e) => setLast(e.currentTarget.value)} />
      <fieldset class="choices">
        <legend>Roles to give</legend>
        {grantable.map((role) => (
          <label class="choice">
            <input type="checkbox" checked={chosen.includes(role.id)} onChange={(e) => toggle(role.id, e.currentTarget.checked)} /> {role.attributes['display-name']}
          </label>
        ))}
      </fieldset>
      <button type="submit" disabled={busy || chosen.length === 0}>
        Send invitation
      </button>{' '}
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
    </form>
  );
}

/** An in-page confirmation (no window.confirm): says what will happen, then Confirm or Cancel. */
export function Confirm(props: { question: string; action: string; onConfirm: () => void; onCancel: () => void }) {
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => confirmButton.current?.focus(), []);
  return (
    <div class="panel confirm" role="alertdialog" aria-labelledby="confirm-question">
      <p id="confirm-question">{props.question}</p>
      <button type="button" class="danger" ref={confirmButton} onClick={props.onConfirm}>
        {props.action}
      </button>{' '}
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
    </div>
  );
}
