import type { Permission } from '@osma/roles';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, must } from '../api/client';
import type { Place } from '../router';
import { can, type Me } from '../session';
import { Empty, ErrorView, formatTime, LoadStatus, PageHeading, useLoad } from '../ui';
import { Confirm, loadRoles, mayGrant, permissionsHeld, type Role } from './team-common';

/** Team › Roles: the built-in roles (read only) and the organization's job roles; who holds each. */
export function Roles(props: { place: Place; me: Me }) {
  const { me } = props;
  const manage = can(me, 'roles.manage');
  const roles = useLoad(loadRoles, []);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Role>();
  const [deleting, setDeleting] = useState<Role>();
  const [holdersOf, setHoldersOf] = useState<Role>();
  const [notice, setNotice] = useState<string>();
  const [failure, setFailure] = useState<unknown>();

  const act = async (what: string, action: () => Promise<unknown>) => {
    setFailure(undefined);
    setNotice(undefined);
    try {
      await action();
      setNotice(what);
      roles.reload();
      return true;
    } catch (error) {
      setFailure(error);
      return false;
    }
  };

  const builtIn = roles.data?.filter((role) => role.attributes['built-in']) ?? [];
  const jobRoles = roles.data?.filter((role) => !role.attributes['built-in']) ?? [];

  return (
    <>
      <PageHeading>Roles</PageHeading>
      <p>What a person may do is every permission of every role they hold. Job roles name what people do (and may carry permissions too).</p>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {failure !== undefined && <ErrorView failure={failure} />}
      <LoadStatus state={roles} what="the roles" />
      {roles.data && (
        <>
          <h2>Built-in roles</h2>
          <RoleTable roles={builtIn} caption="Built-in roles" onHolders={setHoldersOf} />

          <h2>Job roles</h2>
          {manage && !creating && !editing && (
            <p>
              <button type="button" onClick={() => setCreating(true)}>
                Create role
              </button>
            </p>
          )}
          {creating && (
            <RoleForm
              me={me}
              onCancel={() => setCreating(false)}
              onSubmit={(values) =>
                act(`${values.displayName} created.`, async () => {
                  await must(
                    api.POST('/v1/roles/', {
                      body: { data: { type: 'roles', attributes: { name: values.name, 'display-name': values.displayName, permissions: values.permissions } } },
                    }),
                  );
                  setCreating(false);
                })
              }
            />
          )}
          {editing && (
            <RoleForm
              me={me}
              role={editing}
              onCancel={() => setEditing(undefined)}
              onSubmit={(values) =>
                act(`${values.displayName} saved.`, async () => {
                  await must(
                    api.PATCH('/v1/roles/{id}/', {
                      params: { path: { id: editing.id } },
                      body: { data: { type: 'roles', id: editing.id, attributes: { 'display-name': values.displayName, permissions: values.permissions } } },
                    }),
                  );
                  setEditing(undefined);
                })
              }
            />
          )}
          {deleting && (
            <Confirm
              question={`Delete the role ${deleting.attributes['display-name']}? Its name becomes free again.`}
              action="Delete role"
              onCancel={() => setDeleting(undefined)}
              onConfirm={() => {
                const role = deleting;
                setDeleting(undefined);
                void act(`${role.attributes['display-name']} deleted.`, () => must(api.DELETE('/v1/roles/{id}/', { params: { path: { id: role.id } } })));
              }}
            />
          )}
          {jobRoles.length === 0 ? (
            <Empty>No job role yet.</Empty>
          ) : (
            <RoleTable
              roles={jobRoles}
              caption="Job roles"
              onHolders={setHoldersOf}
              onEdit={manage ? (role) => mayGrant(me, role) && setEditing(role) : undefined}
              onDelete={manage ? (role) => setDeleting(role) : undefined}
              mayChange={(role) => manage && mayGrant(me, role)}
            />
          )}
          {holdersOf && <Holders role={holdersOf} onClose={() => setHoldersOf(undefined)} />}
        </>
      )}
    </>
  );
}

function RoleTable(props: {
  roles: Role[];
  caption: string;
  onHolders: (role: Role) => void;
  onEdit?: (role: Role) => void;
  onDelete?: (role: Role) => void;
  mayChange?: (role: Role) => boolean;
}) {
  const changing = props.onEdit !== undefined;
  return (
    <table>
      <caption class="visually-hidden">{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Role</th>
          <th scope="col">Permissions</th>
          <th scope="col">Holders</th>
          {changing && <th scope="col">Changed</th>}
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {props.roles.map((role) => {
          const label = role.attributes['display-name'];
          return (
            <tr key={role.id}>
              <td>
                {label}
                <br />
                <code class="meta">{role.attributes.name}</code>
              </td>
              <td>{role.attributes.permissions.length === 0 ? <em>none</em> : <ul class="plain">{role.attributes.permissions.map((permission) => <li><code>{permission}</code></li>)}</ul>}</td>
              <td>{role.attributes['user-count']}</td>
              {changing && <td>{formatTime(role.attributes['last-modified-time'])}</td>}
              <td class="actions">
                <button type="button" aria-label={`Holders of ${label}`} onClick={() => props.onHolders(role)}>
                  Holders
                </button>
                {props.mayChange?.(role) && props.onEdit && (
                  <button type="button" aria-label={`Edit ${label}`} onClick={() => props.onEdit?.(role)}>
                    Edit
                  </button>
                )}
                {props.mayChange?.(role) && props.onDelete && role.attributes['user-count'] === 0 && (
                  <button type="button" class="danger" aria-label={`Delete ${label}`} onClick={() => props.onDelete?.(role)}>
                    Delete
                  </button>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

interface RoleValues {
  name: string;
  displayName: string;
  permissions: Permission[];
}

/** Create (name, display name, permissions) or edit (display name, permissions); only permissions the caller holds are offered. */
function RoleForm(props: { me: Me; role?: Role; onCancel: () => void; onSubmit: (values: RoleValues) => Promise<unknown> }) {
  const { role } = props;
  const [name, setName] = useState(role?.attributes.name ?? '');
  const [displayName, setDisplayName] = useState(role?.attributes['display-name'] ?? '');
  const [chosen, setChosen] = useState<Permission[]>(role?.attributes.permissions ?? []);
  const offered = permissionsHeld(props.me);
  const toggle = (permission: Permission, on: boolean) => setChosen((current) => (on ? [...current, permission] : current.filter((p) => p !== permission)));
  return (
    <form
      class="panel"
      aria-labelledby="role-form-heading"
      onSubmit={(event) => {
        event.preventDefault();
        void props.onSubmit({ name: name.trim(), displayName: displayName.trim(), permissions: offered.filter((p) => chosen.includes(p)) });
      }}
    >
      <h3 id="role-form-heading">{role ? `Edit ${role.attributes['display-name']}` : 'Create a job role'}</h3>
      {!role && (
        <>
          <label for="role-name">Name (a handle: a-z, 0-9, _ and -)</label>
          <input id="role-name" required maxLength={50} pattern="[a-z0-9][a-z0-9_\-]*" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </>
      )}
      <label for="role-display-name">Display name</label>
      <input id="role-display-name" required maxLength={100} value={displayName} onInput={(e) => setDisplayName(e.currentTarget.value)} />
      <fieldset class="choices">
        <legend>Permissions (optional; only those you hold)</legend>
        {offered.map((permission) => (
          <label class="choice">
            <input type="checkbox" checked={chosen.includes(permission)} onChange={(e) => toggle(permission, e.currentTarget.checked)} /> <code>{permission}</code>
          </label>
        ))}
      </fieldset>
      <button type="submit">{role ? 'Save' : 'Create'}</button>{' '}
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
    </form>
  );
}

function Holders(props: { role: Role; onClose: () => void }) {
  const { role } = props;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [role.id]);
  const holders = useLoad(() => must(api.GET('/v1/role-users/', { params: { query: { 'role-id': role.id, 'page[limit]': 100 } } })), [role.id]);
  return (
    <section class="panel" aria-labelledby="holders-heading">
      <h3 id="holders-heading" tabIndex={-1} ref={heading}>Who holds {role.attributes['display-name']}</h3>
      <LoadStatus state={holders} what="the holders" />
      {holders.data && holders.data.data.length === 0 && <Empty>Nobody holds this role.</Empty>}
      {holders.data && holders.data.data.length > 0 && (
        <ul>
          {holders.data.data.map((holder) => (
            <li>
              {holder.attributes.email} <span class="meta">since {formatTime(holder.attributes['created-time'])}</span>
            </li>
          ))}
        </ul>
      )}
      {holders.data?.links.next && <p class="meta">The first 100 are shown.</p>}
      <button type="button" onClick={props.onClose}>
        Close
      </button>
    </section>
  );
}
