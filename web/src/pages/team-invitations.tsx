import { useState } from 'preact/hooks';
import { api, must } from '../api/client';
import type { paths } from '../api/schema';
import type { Place } from '../router';
import { can, type Me } from '../session';
import { Empty, ErrorView, formatTime, LoadStatus, PageHeading, Pager, useLoad } from '../ui';
import { Confirm, InviteAction, loadRoles, roleName } from './team-common';

type Status = NonNullable<NonNullable<paths['/v1/registration-invitations/']['get']['parameters']['query']>['filter[status]']>;
type Invitation = paths['/v1/registration-invitations/']['get']['responses'][200]['content']['application/json']['data'][number];

const STATUSES: { value: Status | ''; label: string }[] = [
  { value: '', label: 'All' },
  { value: 'pending', label: 'Pending' },
  { value: 'expired', label: 'Expired' },
  { value: 'accepted', label: 'Accepted' },
  { value: 'revoked', label: 'Revoked' },
];
const PAGE_SIZE = 25;

/** Team › Invitations: by status; invite, and resend or revoke what is still open. */
export function Invitations(props: { place: Place; me: Me }) {
  const { me } = props;
  const manage = can(me, 'users.manage');
  const [status, setStatus] = useState<Status | ''>('');
  const [offset, setOffset] = useState(0);
  const [revoking, setRevoking] = useState<Invitation>();
  const [notice, setNotice] = useState<string>();
  const [failure, setFailure] = useState<unknown>();
  const roles = useLoad(loadRoles, []);
  const invitations = useLoad(
    () => must(api.GET('/v1/registration-invitations/', { params: { query: { 'filter[status]': status || undefined, 'page[limit]': PAGE_SIZE, 'page[offset]': offset } } })),
    [status, offset],
  );

  const act = async (what: string, action: () => Promise<unknown>) => {
    setFailure(undefined);
    setNotice(undefined);
    try {
      await action();
      setNotice(what);
      invitations.reload();
    } catch (error) {
      setFailure(error);
    }
  };

  return (
    <>
      <PageHeading>Invitations</PageHeading>
      <p>A link mailed to a person, valid for 7 days. A resend mails a new link and the old one stops working.</p>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {failure !== undefined && <ErrorView failure={failure} />}
      <InviteAction
        me={me}
        allowed={manage}
        roles={roles.data}
        onInvited={(email) => {
          setNotice(`Invitation sent to ${email}.`);
          invitations.reload();
        }}
      />
      {revoking && (
        <Confirm
          question={`Revoke the invitation of ${revoking.attributes['invited-email']}? Its link stops working and the person becomes inactive.`}
          action="Revoke invitation"
          onCancel={() => setRevoking(undefined)}
          onConfirm={() => {
            const invitation = revoking;
            setRevoking(undefined);
            void act(`Invitation of ${invitation.attributes['invited-email']} revoked.`, () =>
              must(api.POST('/v1/registration-invitations/{id}/revoke/', { params: { path: { id: invitation.id } } })),
            );
          }}
        />
      )}
      <div class="filters">
        <div>
          <label for="invitation-status">Status</label>
          <select
            id="invitation-status"
            value={status}
            onChange={(e) => {
              setStatus(e.currentTarget.value as Status | '');
              setOffset(0);
            }}
          >
            {STATUSES.map((choice) => (
              <option value={choice.value}>{choice.label}</option>
            ))}
          </select>
        </div>
      </div>
      <LoadStatus state={invitations} what="the invitations" />
      {invitations.data && invitations.data.data.length === 0 && <Empty>No {status ? `${status} ` : ''}invitation.</Empty>}
      {invitations.data && invitations.data.data.length > 0 && (
        <table>
          <caption class="visually-hidden">Invitations</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Name</th>
              <th scope="col">Roles</th>
              <th scope="col">Status</th>
              <th scope="col">Last sent</th>
              <th scope="col">Link expires</th>
              {manage && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {invitations.data.data.map((invitation) => {
              const open = invitation.attributes.status === 'pending' || invitation.attributes.status === 'expired';
              const email = invitation.attributes['invited-email'];
              return (
                <tr key={invitation.id}>
                  <td>{email}</td>
                  <td>{[invitation.attributes['first-name'], invitation.attributes['last-name']].filter(Boolean).join(' ') || '—'}</td>
                  <td>{invitation.attributes['role-ids'].map((id) => roleName(roles.data, id)).join(', ')}</td>
                  <td>{invitation.attributes.status}</td>
                  <td>{formatTime(invitation.attributes['last-sent-time'])}</td>
                  <td>{open ? formatTime(invitation.attributes['expires-time']) : '—'}</td>
                  {manage && (
                    <td class="actions">
                      {open && (
                        <>
                          <button
                            type="button"
                            aria-label={`Resend the invitation of ${email}`}
                            onClick={() => act(`Invitation sent again to ${email}.`, () => must(api.POST('/v1/resend-invitation/', { body: { 'invitation-id': invitation.id } })))}
                          >
                            Resend
                          </button>
                          <button type="button" class="danger" aria-label={`Revoke the invitation of ${email}`} onClick={() => setRevoking(invitation)}>
                            Revoke
                          </button>
                        </>
                      )}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <Pager
        of="invitations"
        labels={['Previous', 'Next']}
        newer={offset > 0 ? () => setOffset(Math.max(0, offset - PAGE_SIZE)) : undefined}
        older={invitations.data?.links.next ? () => setOffset(offset + PAGE_SIZE) : undefined}
      />
    </>
  );
}
