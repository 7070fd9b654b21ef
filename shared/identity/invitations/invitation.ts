import { randomBytes } from 'node:crypto';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { auditItem, type AuditEvent } from '#shared/identity/audit/audit';
import { hashInvitationToken, invitationKeys, type StoredInvitationStatus } from '#shared/identity/invitations/keys';
import { loginKeys, normalizeEmail } from '#shared/identity/logins/keys';
import { invitationMessage } from '#shared/identity/mail/messages';
import { dashboardUrl } from '#shared/identity/mail/settings';
import { organizationKeys } from '#shared/identity/organizations/keys';
import type { SessionPrincipal } from '#shared/identity/principal';
import { assertMayGrant } from '#shared/identity/roles/permissions';
import { membershipKeys } from '#shared/identity/users/keys';
import {
  getMembership,
  membershipFailure,
  membershipWrites,
  newMembershipItem,
  rolesById,
  stateChangeWrites,
  type MembershipItem,
  type TransactItem,
} from '#shared/identity/users/membership';
import { tableName } from '#shared/platform/config';
import { batchGet, db, failedConditions, isTransactionConflict } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';
import { isId, newId } from '#shared/platform/ids';
import { logger } from '#shared/platform/logger';
import { sendMail } from '#shared/platform/mail';
import { ConcurrentChange, withRetries } from '#shared/platform/optimistic';
import { timestamp } from '#shared/platform/time';

/**
 * Registration invitations (docs/invitations.md): an admin invites an email with roles; the
 * person is made at once in `onboarding:invited`, and a link with a single-use token is mailed
 * to them. Accepting it (accept.ts) sets their password and makes them active.
 */

/** A link works for 7 days from when it was (re)sent. */
export const INVITATION_VALID_DAYS = 7;
export const INVITATION_VALID_SECONDS = INVITATION_VALID_DAYS * 24 * 60 * 60;

/** The roles an invitation gives when it names none. */
export const DEFAULT_INVITED_ROLES = ['viewer'];

/** At most this many roles per invitation: each is one or two writes of the invitation's transaction. */
export const MAX_INVITED_ROLES = 20;

/** Where the invitation's attributes are in a request body, for errors that point at them. */
export const INVITED_EMAIL_PARAM = 'data.attributes.invited-email';
export const ROLE_IDS_PARAM = 'data.attributes.role-ids';

export interface InvitationItem {
  pk: string;
  sk: string;
  entity: 'invitation';
  id: string;
  organization_id: string;
  user_id: string;
  invited_email: string;
  first_name?: string;
  last_name?: string;
  role_ids: string[];
  /** As stored: `expired` is a pending invitation past `expires_time` (invitationStatus). */
  status: StoredInvitationStatus;
  /** The SHA-256 of the one live token; absent once accepted or revoked. */
  token_hash?: string;
  /** When the current link dies (not the table's TTL attribute: the invitation is kept). */
  expires_time: string;
  created_by: string;
  created_at: string;
  updated_at: string;
  last_sent_at: string;
  send_count: number;
  claimed_at?: string;
  revoked_at?: string;
  gsi2pk: string;
  gsi2sk: string;
}

export type InvitationStatus = StoredInvitationStatus | 'expired';
export const INVITATION_STATUS_FILTERS = ['pending', 'accepted', 'revoked', 'expired'] as const;

/** A user item, with the invitation that last invited them. */
export type InvitedMember = MembershipItem & { invitation_id?: string };

/** What an invitation is now: a pending one whose link has died is `expired`. */
export function invitationStatus(invitation: Pick<InvitationItem, 'status' | 'expires_time'>, now: string = timestamp()): InvitationStatus {
  return invitation.status === 'pending' && invitation.expires_time <= now ? 'expired' : invitation.status;
}

/** `<dashboard>/accept-invitation?token=<token>`: the page asks for a password and posts it with the token. */
export function invitationLink(dashboard: string, token: string): string {
  return `${dashboard.replace(/\/+$/, '')}/accept-invitation?token=${encodeURIComponent(token)}`;
}

/** A new token: 256 random bits, base64url (43 characters). */
function newToken(): string {
  return randomBytes(32).toString('base64url');
}

interface IssuedToken {
  token: string;
  hash: string;
  expiresTime: string;
  item: Record<string, unknown>;
}

/** A token for an invitation and its lookup item, valid INVITATION_VALID_SECONDS from `now`. */
function issueToken(invitation: Pick<InvitationItem, 'id' | 'organization_id' | 'user_id'>, now: Date): IssuedToken {
  const token = newToken();
  const hash = hashInvitationToken(token);
  const expires = new Date(now.getTime() + INVITATION_VALID_SECONDS * 1000);
  return {
    token,
    hash,
    expiresTime: timestamp(expires),
    item: {
      ...invitationKeys.token(hash),
      entity: 'invitation_token',
      organization_id: invitation.organization_id,
      invitation_id: invitation.id,
      user_id: invitation.user_id,
      created_at: timestamp(now),
      expires_at: Math.ceil(expires.getTime() / 1000),
    },
  };
}

export interface NewInvitation {
  email: string;
  firstName?: string;
  lastName?: string;
  roleIds?: string[];
}

export interface Source {
  ip: string;
  userAgent?: string;
}

export interface SentInvitation {
  invitation: InvitationItem;
  /** False when the mail could not be sent: the person's `registration-invite` is then `failed`. */
  mailSent: boolean;
}

const actorOf = (principal: SessionPrincipal): AuditEvent['actor'] => ({ type: 'user', id: principal.userId });

/**
 * Invites a person: the member in `onboarding:invited` (with its email lock, role holders and
 * history), the invitation, its token's lookup item, a check that the email has no login in
 * any organization, and the audit event, in one transaction; then the mail. An email that is
 * already a member, or has a login, is a 409 pointing at `invited-email` and nothing is
 * written; of two racing invitations of one email, the email lock lets one through.
 */
export async function createInvitation(principal: SessionPrincipal, input: NewInvitation, source: Source): Promise<SentInvitation> {
  const organizationId = principal.organizationId;
  const roleIds = [...new Set(input.roleIds ?? DEFAULT_INVITED_ROLES)];
  await assertMayInviteWith(principal, roleIds);
  const made = await withRetries(async () => {
    const now = new Date();
    const nowText = timestamp(now);
    const invitationId = newId('invitation');
    const user: InvitedMember = {
      ...newMembershipItem(
        {
          organizationId,
          email: input.email,
          firstName: input.firstName ?? '',
          lastName: input.lastName,
          roleIds,
          state: { state: 'onboarding', subState: 'invited' },
          registrationInvite: 'sent',
          createdBy: principal.userId,
        },
        nowText,
      ),
      invitation_id: invitationId,
    };
    const token = issueToken({ id: invitationId, organization_id: organizationId, user_id: user.id }, now);
    const invitation = newInvitationItem({ id: invitationId, user, createdBy: principal.userId, token, now: nowText });
    const { items, checks } = membershipWrites(user, {
      actor: actorOf(principal),
      reasonCode: 'R-INVITED',
      audit: {
        action: 'invitation.created',
        actor: actorOf(principal),
        target: { type: 'invitation', id: invitationId },
        ip: source.ip,
        userAgent: source.userAgent,
        data: { 'user-id': user.id },
      },
    });
    const loginCheck = items.length + 2;
    const transaction = [
      ...items,
      { Put: { TableName: tableName(), Item: invitation, ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: tableName(), Item: token.item, ConditionExpression: 'attribute_not_exists(pk)' } },
      noLoginCheck(user.email),
    ];
    await send(transaction, (error) => {
      const failure = membershipFailure(error, checks, { email: INVITED_EMAIL_PARAM, roles: ROLE_IDS_PARAM });
      if (failure) return failure;
      if (failedConditions(error)?.includes(loginCheck)) return emailHasLogin(INVITED_EMAIL_PARAM);
      return undefined;
    });
    return { invitation, token };
  });
  const mailSent = await mailInvitation(principal, made.invitation, made.token.token);
  if (!mailSent) await markMailFailed(made.invitation);
  return { invitation: made.invitation, mailSent };
}

function newInvitationItem(input: { id: string; user: MembershipItem; createdBy: string; token: IssuedToken; now: string }): InvitationItem {
  const { id, user, token, now } = input;
  return {
    ...invitationKeys.invitation(user.organization_id, id),
    entity: 'invitation',
    id,
    organization_id: user.organization_id,
    user_id: user.id,
    invited_email: user.email,
    ...(user.first_name && { first_name: user.first_name }),
    ...(user.last_name && { last_name: user.last_name }),
    role_ids: [...user.role_ids],
    status: 'pending',
    token_hash: token.hash,
    expires_time: token.expiresTime,
    created_by: input.createdBy,
    created_at: now,
    updated_at: now,
    last_sent_at: now,
    send_count: 1,
    gsi2pk: invitationKeys.byStatus(user.organization_id, 'pending'),
    gsi2sk: id,
  };
}

/** The roles must exist (built-in or of the organization), and the caller must hold what they allow; only an owner invites an owner. */
async function assertMayInviteWith(principal: SessionPrincipal, roleIds: string[]): Promise<void> {
  const roles = await rolesById(principal.organizationId, roleIds);
  const unknown = roleIds.filter((id) => !roles.has(id));
  if (unknown.length) {
    const message = `Each role must be a built-in role (owner, admin, developer, viewer) or a role of the organization; not: ${unknown.join(', ')}.`;
    throw errors.invalidParams([{ param: ROLE_IDS_PARAM, message, in: 'body' }]);
  }
  assertMayGrant(principal, [...roles.values()]);
}

/** The email has no login yet, in this organization or any other (one login per email, one membership per login for now). */
function noLoginCheck(email: string): TransactItem {
  return { ConditionCheck: { TableName: tableName(), Key: loginKeys.byEmail(email), ConditionExpression: 'attribute_not_exists(pk)' } };
}

function emailHasLogin(param: string) {
  return errors.alreadyExists('This email has a login already, in this organization or another, so it cannot be invited.', param, 'body');
}

/**
 * Sends a transaction; a failed condition becomes the error `refusal` names (or, when it names
 * none, a concurrent change to retry), and a transaction that collided with another one on
 * the same item is a concurrent change too: `withRetries` reads again and decides afresh.
 */
async function send(items: TransactItem[], refusal: (error: unknown) => Error | undefined = () => undefined): Promise<void> {
  try {
    await db().send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (failedConditions(error)?.length) throw refusal(error) ?? new ConcurrentChange();
    if (isTransactionConflict(error)) throw new ConcurrentChange();
    throw error;
  }
}


/**
 * Mails the link. Any failure (no dashboard URL or sender configured, the mail service
 * refusing) is logged by its name only and answered false: the invitation stands, and can be
 * resent.
 */
async function mailInvitation(principal: SessionPrincipal, invitation: InvitationItem, token: string): Promise<boolean> {
  try {
    const inviterKey = membershipKeys.user(invitation.organization_id, principal.userId);
    const organizationKey = organizationKeys.key(invitation.organization_id);
    const found = await batchGet([inviterKey, organizationKey]);
    const inviter = found(inviterKey) as MembershipItem | undefined;
    const organization = found(organizationKey);
    const message = invitationMessage({
      organizationName: String(organization?.display_name || organization?.name || 'an organization'),
      inviterName: inviter?.full_name || inviter?.email || principal.email || 'Someone',
      link: invitationLink(dashboardUrl(), token),
      validDays: INVITATION_VALID_DAYS,
    });
    await sendMail({ to: invitation.invited_email, ...message });
    return true;
  } catch (error) {
    logger.error('invitation mail not sent', { invitation_id: invitation.id, error_name: (error as Error).name });
    return false;
  }
}

/** The person's `registration-invite` becomes `failed`, unless something changed it since. */
async function markMailFailed(invitation: InvitationItem): Promise<void> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: membershipKeys.user(invitation.organization_id, invitation.user_id),
        UpdateExpression: 'SET registration_invite = :failed, updated_at = :now ADD #version :one',
        ConditionExpression: 'registration_invite = :sent AND invitation_id = :invitation',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':failed': 'failed', ':sent': 'sent', ':invitation': invitation.id, ':now': timestamp(), ':one': 1 },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}

/** One invitation of the caller's organization (strongly consistent); 404 for any other id. */
export async function getInvitation(organizationId: string, id: string): Promise<InvitationItem> {
  const invitation = isId('invitation', id) ? await readInvitation(organizationId, id) : undefined;
  if (!invitation) throw errors.notFound('registration-invitation', id);
  return invitation;
}

async function readInvitation(organizationId: string, id: string): Promise<InvitationItem | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: invitationKeys.invitation(organizationId, id), ConsistentRead: true }));
  return Item as InvitationItem | undefined;
}

export interface ResendInput {
  username?: string;
  'invitation-id'?: string;
}

/**
 * Sends an invitation again with a new token and a new 7 days: the old token's item is deleted
 * in the same transaction, so its link dies. The person must still be `onboarding` with no
 * login. Their last invitation is reused when it is pending or expired; when it was revoked or
 * accepted (a person moved back to onboarding from inactive), or there is none, a new one is
 * made for their current roles. The caller must be allowed to grant those roles.
 */
export async function resendInvitation(principal: SessionPrincipal, input: ResendInput, source: Source): Promise<SentInvitation> {
  const param = input['invitation-id'] !== undefined ? 'invitation-id' : 'username';
  if (input.username === undefined && input['invitation-id'] === undefined) {
    throw errors.parameterMissing([{ param: 'username', message: 'username (the invited email) or invitation-id is required', in: 'body' }]);
  }
  if (input.username !== undefined && input['invitation-id'] !== undefined) {
    throw errors.invalidParams([{ param: 'invitation-id', message: 'Send username or invitation-id, not both.', in: 'body' }]);
  }
  let checkedRoles: string | undefined;
  const sent = await withRetries(async () => {
    const { user, previous } = await invitedPerson(principal.organizationId, input);
    if (!user.state.startsWith('onboarding:')) {
      throw errors.invalidState('Only a person who is onboarding can be invited again: move them to onboarding first.');
    }
    if (user.login_id) throw errors.invalidState('This person has a login already: move them to active instead of inviting them.');
    const roleKey = user.role_ids.join(',');
    if (checkedRoles !== roleKey) {
      await assertMayInviteWith(principal, user.role_ids);
      checkedRoles = roleKey;
    }
    const now = new Date();
    const reuse = previous && previous.status === 'pending' ? previous : undefined;
    return reuse ? renewToken(principal, user, reuse, now, source, param) : reinvite(principal, user, previous, now, source, param);
  });
  const mailSent = await mailInvitation(principal, sent.invitation, sent.token);
  if (!mailSent) await markMailFailed(sent.invitation);
  return { invitation: sent.invitation, mailSent };
}

/** The person a resend names, by invitation id or by email, and their last invitation. 404 when there is none. */
async function invitedPerson(organizationId: string, input: ResendInput): Promise<{ user: InvitedMember; previous?: InvitationItem }> {
  if (input['invitation-id'] !== undefined) {
    const previous = await getInvitation(organizationId, input['invitation-id']);
    const user = (await getMembership(organizationId, previous.user_id)) as InvitedMember | undefined;
    if (!user) throw errors.notFound('registration-invitation', previous.id);
    // The invitation named may be older than the person's last one: that last one decides.
    const latest = user.invitation_id && user.invitation_id !== previous.id ? await readInvitation(organizationId, user.invitation_id) : previous;
    return { user, previous: latest };
  }
  const email = normalizeEmail(input.username!);
  const { Item: lock } = await db().send(new GetCommand({ TableName: tableName(), Key: membershipKeys.email(organizationId, email), ConsistentRead: true }));
  const user = lock ? ((await getMembership(organizationId, lock.user_id as string)) as InvitedMember | undefined) : undefined;
  if (!user) throw errors.notFound('invited person', input.username!);
  const previous = user.invitation_id ? await readInvitation(organizationId, user.invitation_id) : undefined;
  return { user, previous };
}

/** The pending (or expired) invitation gets a new token; the old token's item goes. */
async function renewToken(
  principal: SessionPrincipal,
  user: InvitedMember,
  invitation: InvitationItem,
  now: Date,
  source: Source,
  param: string,
): Promise<{ invitation: InvitationItem; token: string }> {
  const table = tableName();
  const token = issueToken(invitation, now);
  const nowText = timestamp(now);
  const renewal: TransactItem = {
    Update: {
      TableName: table,
      Key: invitationKeys.invitation(invitation.organization_id, invitation.id),
      UpdateExpression: 'SET token_hash = :new, expires_time = :expires, last_sent_at = :now, updated_at = :now ADD send_count :one',
      ConditionExpression: '#status = :pending AND token_hash = :old',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':new': token.hash,
        ':old': invitation.token_hash ?? '',
        ':expires': token.expiresTime,
        ':now': nowText,
        ':pending': 'pending',
        ':one': 1,
      },
    },
  };
  const items: TransactItem[] = [
    renewal,
    // The old link dies in the write that makes the new one.
    ...(invitation.token_hash ? [{ Delete: { TableName: table, Key: invitationKeys.token(invitation.token_hash) } }] : []),
    { Put: { TableName: table, Item: token.item, ConditionExpression: 'attribute_not_exists(pk)' } },
    stillInvitable(user, invitation.id, nowText),
  ];
  const loginCheck = items.length;
  items.push(noLoginCheck(user.email), {
    Put: {
      TableName: table,
      Item: auditItem({
        organizationId: invitation.organization_id,
        action: 'invitation.resent',
        actor: actorOf(principal),
        target: { type: 'invitation', id: invitation.id },
        ip: source.ip,
        userAgent: source.userAgent,
        data: { 'user-id': user.id },
      }),
    },
  });
  await send(items, (error) => (failedConditions(error)?.includes(loginCheck) ? emailHasLogin(param) : undefined));
  return {
    invitation: {
      ...invitation,
      token_hash: token.hash,
      expires_time: token.expiresTime,
      last_sent_at: nowText,
      updated_at: nowText,
      send_count: (invitation.send_count ?? 1) + 1,
    },
    token: token.token,
  };
}

/** A new invitation for a person whose last one was revoked or accepted (or who has none). */
async function reinvite(
  principal: SessionPrincipal,
  user: InvitedMember,
  previous: InvitationItem | undefined,
  now: Date,
  source: Source,
  param: string,
): Promise<{ invitation: InvitationItem; token: string }> {
  const nowText = timestamp(now);
  const id = newId('invitation');
  const token = issueToken({ id, organization_id: user.organization_id, user_id: user.id }, now);
  const invitation = newInvitationItem({ id, user, createdBy: principal.userId, token, now: nowText });
  const LOGIN_CHECK = 3;
  await send(
    [
      { Put: { TableName: tableName(), Item: invitation, ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: tableName(), Item: token.item, ConditionExpression: 'attribute_not_exists(pk)' } },
      stillInvitable(user, previous?.id, nowText, id),
      noLoginCheck(user.email),
      {
        Put: {
          TableName: tableName(),
          Item: auditItem({
            organizationId: user.organization_id,
            action: 'invitation.created',
            actor: actorOf(principal),
            target: { type: 'invitation', id },
            ip: source.ip,
            userAgent: source.userAgent,
            data: { 'user-id': user.id, reinvited: true },
          }),
        },
      },
    ],
    (error) => (failedConditions(error)?.includes(LOGIN_CHECK) ? emailHasLogin(param) : undefined),
  );
  return { invitation, token: token.token };
}

/**
 * The person's side of a resend: still onboarding, no login, and still last invited by
 * `current` (so two racing resends cannot both make a new invitation); their
 * `registration-invite` becomes `sent` again, and their invitation `next` when one is made.
 */
function stillInvitable(user: InvitedMember, current: string | undefined, now: string, next?: string): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: membershipKeys.user(user.organization_id, user.id),
      UpdateExpression: `SET registration_invite = :sent, updated_at = :now${next ? ', invitation_id = :next' : ''} ADD #version :one`,
      ConditionExpression: `begins_with(#state, :onboarding) AND attribute_not_exists(login_id) AND ${
        current ? 'invitation_id = :current' : 'attribute_not_exists(invitation_id)'
      }`,
      ExpressionAttributeNames: { '#state': 'state', '#version': 'version' },
      ExpressionAttributeValues: {
        ':sent': 'sent',
        ':now': now,
        ':onboarding': 'onboarding:',
        ':one': 1,
        ...(current && { ':current': current }),
        ...(next && { ':next': next }),
      },
    },
  };
}

/**
 * Revokes a pending (or expired) invitation: it becomes `revoked`, its token's item goes (the
 * link dies), and its person, when still onboarding, moves to `inactive:deactivated` with the
 * reason `R-REVOKED`; with the audit event, in one transaction. Anything else is a 409.
 */
export async function revokeInvitation(principal: SessionPrincipal, id: string, source: Source): Promise<InvitationItem> {
  return withRetries(async () => {
    const invitation = await getInvitation(principal.organizationId, id);
    if (invitation.status !== 'pending') throw errors.invalidState(`Only a pending or expired invitation can be revoked; this one is ${invitation.status}.`);
    const user = await getMembership(principal.organizationId, invitation.user_id);
    const nowText = timestamp();
    const move =
      user && user.state.startsWith('onboarding:')
        ? stateChangeWrites(user, { state: 'inactive', subState: 'deactivated' }, { actor: actorOf(principal), reasonCode: 'R-REVOKED' }, nowText).items
        : [];
    await send([
      {
        Update: {
          TableName: tableName(),
          Key: invitationKeys.invitation(invitation.organization_id, invitation.id),
          UpdateExpression: 'SET #status = :revoked, revoked_at = :now, updated_at = :now, gsi2pk = :index REMOVE token_hash',
          ConditionExpression: '#status = :pending AND token_hash = :hash',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':revoked': 'revoked',
            ':pending': 'pending',
            ':now': nowText,
            ':hash': invitation.token_hash ?? '',
            ':index': invitationKeys.byStatus(invitation.organization_id, 'revoked'),
          },
        },
      },
      ...(invitation.token_hash ? [{ Delete: { TableName: tableName(), Key: invitationKeys.token(invitation.token_hash) } }] : []),
      ...move,
      {
        Put: {
          TableName: tableName(),
          Item: auditItem({
            organizationId: invitation.organization_id,
            action: 'invitation.revoked',
            actor: actorOf(principal),
            target: { type: 'invitation', id: invitation.id },
            ip: source.ip,
            userAgent: source.userAgent,
            data: { 'user-id': invitation.user_id, 'user-deactivated': move.length > 0 },
          }),
        },
      },
    ]);
    const { token_hash: _gone, ...rest } = invitation;
    return { ...rest, status: 'revoked', revoked_at: nowText, updated_at: nowText, gsi2pk: invitationKeys.byStatus(invitation.organization_id, 'revoked') };
  });
}

export interface InvitationPage {
  invitations: InvitationItem[];
  hasMore: boolean;
}

/**
 * One page of the organization's invitations, newest first: all of them from their partition,
 * or those of one status from gsi2 (stored status `pending` for both `pending` and `expired`,
 * told apart by `expires_time` against now, in the Query's filter and again on each item, as
 * the index may lag a change by a moment). Offset paging reads what it skips: a page costs
 * offset + limit items read (plus, for pending and expired, the ones of the other kind).
 */
export async function listInvitations(
  organizationId: string,
  request: { status?: InvitationStatus; limit: number; offset: number },
): Promise<InvitationPage> {
  const now = timestamp();
  const { status, limit, offset } = request;
  const stored = status === 'expired' ? 'pending' : status;
  const wanted = offset + limit + 1;
  const items: InvitationItem[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db().send(
      new QueryCommand({
        TableName: tableName(),
        ...(stored
          ? { IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk' }
          : { KeyConditionExpression: 'pk = :pk', ConsistentRead: true }),
        ...(status === 'pending' && { FilterExpression: 'expires_time > :now' }),
        ...(status === 'expired' && { FilterExpression: 'expires_time <= :now' }),
        ExpressionAttributeValues: {
          ':pk': stored ? invitationKeys.byStatus(organizationId, stored) : invitationKeys.pk(organizationId),
          ...((status === 'pending' || status === 'expired') && { ':now': now }),
        },
        ScanIndexForward: false,
        Limit: Math.min(Math.max(wanted - items.length, 25), 1000),
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of (page.Items ?? []) as InvitationItem[]) {
      if (status === undefined || invitationStatus(item, now) === status) items.push(item);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey && items.length < wanted);
  return { invitations: items.slice(offset, offset + limit), hasMore: items.length > offset + limit };
}
