import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { auditItem } from '#shared/identity/audit/audit';
import { invitationStatus, type InvitationItem, type InvitedMember } from '#shared/identity/invitations/invitation';
import { acceptThrottleKey, hashInvitationToken, invitationKeys } from '#shared/identity/invitations/keys';
import { loginKeys } from '#shared/identity/logins/keys';
import { loginAnswer, type LoginAnswer, type LoginItem } from '#shared/identity/logins/login';
import { organizationKeys } from '#shared/identity/organizations/keys';
import { hashPassword } from '#shared/identity/passwords/hash';
import { passwordProblems } from '#shared/identity/passwords/policy';
import { REFRESH_TOKEN_SECONDS, startSession } from '#shared/identity/sessions/session';
import { ACCESS_TOKEN_SECONDS } from '#shared/identity/sessions/tokens';
import { membershipKeys } from '#shared/identity/users/keys';
import { fullName, stateChangeWrites, type TransactItem } from '#shared/identity/users/membership';
import { tableName } from '#shared/platform/config';
import { batchGet, db, failedConditions, isTransactionConflict } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';
import { newId } from '#shared/platform/ids';
import { ConcurrentChange, withRetries } from '#shared/platform/optimistic';
import { timestamp } from '#shared/platform/time';

/**
 * `POST /v1/accept-invitation/`: the invited person sets their password with the token of their
 * link, becomes `active:available`, and is signed in. A token that is wrong, used, revoked or
 * expired gets one answer, 400 `invitation_invalid`, and counts against the caller's address.
 */

/**
 * Failed accepts per source address, in fixed 15-minute windows: from the 50th, every accept
 * from that address is refused with 429 until the window ends. A token carries 256 random
 * bits, so guessing one is hopeless anyway; the limit bounds what a flood of guesses costs.
 */
export const ACCEPT_THROTTLE = { windowSeconds: 15 * 60, perSourceIp: 50 } as const;

export interface AcceptInput {
  token: string;
  password: string;
  'first-name'?: string;
  'last-name'?: string;
}

const windowOf = (now: number) => Math.floor(now / 1000 / ACCEPT_THROTTLE.windowSeconds);

const passwordErrors = (problems: string[]) => errors.invalidParams(problems.map((message) => ({ param: 'password', message, in: 'body' as const })));

export async function acceptInvitation(input: AcceptInput, source: { ip: string; userAgent?: string }): Promise<LoginAnswer> {
  await checkAcceptThrottle(source.ip);
  // The rules that need nothing of the person first: a refused password spends no token.
  const general = passwordProblems(input.password);
  if (general.length) throw passwordErrors(general);
  const tokenHash = hashInvitationToken(input.token);
  const accepted = await withRetries(async () => {
    const found = await acceptable(tokenHash, source.ip);
    const { invitation, user } = found;
    const firstName = input['first-name'] ?? user.first_name;
    const lastName = input['last-name'] ?? user.last_name;
    const personal = passwordProblems(input.password, { email: user.email, names: [firstName, lastName ?? ''].filter(Boolean) });
    if (personal.length) throw passwordErrors(personal);
    const now = timestamp();
    const login: LoginItem = {
      login_id: newId('login'),
      email: user.email,
      password_hash: await hashPassword(input.password),
      organization_id: user.organization_id,
      user_id: user.id,
      created_at: now,
      password_updated_at: now,
    };
    const names = { first_name: firstName, ...(lastName && { last_name: lastName }) };
    const move = stateChangeWrites(
      user,
      { state: 'active', subState: 'available' },
      {
        actor: { type: 'user', id: user.id },
        reasonCode: 'R-ACCEPTED',
        changes: { ...names, full_name: fullName({ ...names, middle_name: user.middle_name }), registration_invite: 'accepted', login_id: login.login_id },
      },
      now,
    );
    const items: TransactItem[] = [
      // Single use: of two racing accepts, one deletes the token and the other finds it gone.
      {
        Delete: {
          TableName: tableName(),
          Key: invitationKeys.token(tokenHash),
          ConditionExpression: 'attribute_exists(pk) AND invitation_id = :invitation',
          ExpressionAttributeValues: { ':invitation': invitation.id },
        },
      },
      {
        Update: {
          TableName: tableName(),
          Key: invitationKeys.invitation(invitation.organization_id, invitation.id),
          UpdateExpression: 'SET #status = :accepted, claimed_at = :now, updated_at = :now, gsi2pk = :index REMOVE token_hash',
          ConditionExpression: '#status = :pending AND token_hash = :hash AND expires_time > :now',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':accepted': 'accepted',
            ':pending': 'pending',
            ':hash': tokenHash,
            ':now': now,
            ':index': invitationKeys.byStatus(invitation.organization_id, 'accepted'),
          },
        },
      },
      { Put: { TableName: tableName(), Item: { ...loginKeys.byEmail(login.email), entity: 'login', ...login }, ConditionExpression: 'attribute_not_exists(pk)' } },
      ...move.items,
      {
        Put: {
          TableName: tableName(),
          Item: auditItem({
            organizationId: user.organization_id,
            action: 'invitation.accepted',
            actor: { type: 'user', id: user.id },
            target: { type: 'invitation', id: invitation.id },
            ip: source.ip,
            userAgent: source.userAgent,
            data: { 'user-id': user.id },
          }),
        },
      },
    ];
    const LOGIN_PUT = 2;
    try {
      await db().send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      const failed = failedConditions(error);
      if (failed?.includes(0) || failed?.includes(1)) throw await refused(source.ip);
      if (failed?.includes(LOGIN_PUT)) throw errors.alreadyExists('This email has a login already, so this invitation cannot make another.', 'token', 'body');
      // The person changed meanwhile, or another accept is writing: read again and decide afresh.
      if (failed?.length || isTransactionConflict(error)) throw new ConcurrentChange();
      throw error;
    }
    return { login, user: move.updated };
  });
  const { login, user } = accepted;
  const tokens = await startSession({
    userId: user.id,
    organizationId: user.organization_id,
    loginId: login.login_id,
    passwordUpdatedAt: login.password_updated_at,
    email: login.email,
    roles: user.role_ids,
    amr: ['pwd'],
    accessSeconds: ACCESS_TOKEN_SECONDS.default,
    refreshSeconds: REFRESH_TOKEN_SECONDS.default,
    sourceIp: source.ip,
    userAgent: source.userAgent,
    audit: { action: 'login.succeeded', actor: { type: 'user', id: user.id }, ip: source.ip, userAgent: source.userAgent },
  });
  return loginAnswer(tokens, login, user);
}

/**
 * The invitation and person a token stands for, when it can be accepted now: the token's item
 * unexpired, its invitation pending, unexpired and holding this token, its person onboarding
 * with no login, its organization active. Anything else about the token is `refused`.
 */
async function acceptable(tokenHash: string, ip: string): Promise<{ invitation: InvitationItem; user: InvitedMember }> {
  const { Item: token } = await db().send(new GetCommand({ TableName: tableName(), Key: invitationKeys.token(tokenHash), ConsistentRead: true }));
  if (!token || (token.expires_at as number) <= Math.floor(Date.now() / 1000)) throw await refused(ip);
  const organizationId = token.organization_id as string;
  const invitationKey = invitationKeys.invitation(organizationId, token.invitation_id as string);
  const userKey = membershipKeys.user(organizationId, token.user_id as string);
  const organizationKey = organizationKeys.key(organizationId);
  const found = await batchGet([invitationKey, userKey, organizationKey]);
  const invitation = found(invitationKey) as InvitationItem | undefined;
  const user = found(userKey) as InvitedMember | undefined;
  const organization = found(organizationKey);
  const usable =
    invitation !== undefined &&
    invitationStatus(invitation) === 'pending' &&
    invitation.token_hash === tokenHash &&
    user !== undefined &&
    user.id === invitation.user_id &&
    user.state.startsWith('onboarding:') &&
    !user.login_id;
  if (!usable) throw await refused(ip);
  if (!organization || (organization.status ?? 'active') !== 'active') {
    throw errors.permissionDenied('This organization is not active: its invitations cannot be accepted now.');
  }
  return { invitation, user };
}

/** Refuses with 429 when the address has failed ACCEPT_THROTTLE.perSourceIp times in this window. One GetItem. */
async function checkAcceptThrottle(ip: string, now = Date.now()): Promise<void> {
  if (!ip) return;
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: acceptThrottleKey(ip, windowOf(now)), ConsistentRead: true }));
  if (Number(Item?.count ?? 0) >= ACCEPT_THROTTLE.perSourceIp) {
    const windowEnd = (windowOf(now) + 1) * ACCEPT_THROTTLE.windowSeconds * 1000;
    throw errors.tooManyAttempts(Math.max(1, Math.ceil((windowEnd - now) / 1000)));
  }
}

/** Counts one failed accept against the address, and answers the one error every bad token gets. */
async function refused(ip: string, now = Date.now()): Promise<Error> {
  if (ip) {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: acceptThrottleKey(ip, windowOf(now)),
        UpdateExpression: 'SET expires_at = :expires, entity = :entity ADD #count :one',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':one': 1, ':expires': (windowOf(now) + 2) * ACCEPT_THROTTLE.windowSeconds, ':entity': 'accept_throttle' },
      }),
    );
  }
  return errors.invitationInvalid();
}
