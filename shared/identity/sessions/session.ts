import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { auditItem, type AuditEvent } from '#shared/identity/audit/audit';
import { loginKeys } from '#shared/identity/logins/keys';
import { organizationKeys } from '#shared/identity/organizations/keys';
import { sessionKeys } from '#shared/identity/sessions/keys';
import { hashToken, newRefreshToken, signAccessToken, type AccessClaims } from '#shared/identity/sessions/tokens';
import { userKeys } from '#shared/api/users/keys';
import type { Permission } from '#shared/identity/roles/keys';
import { permissionsOfUser, type MembershipItem } from '#shared/identity/users/membership';
import { tableName } from '#shared/platform/config';
import { batchGet, db, failedConditions } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';
import { newId } from '#shared/platform/ids';
import { timestamp } from '#shared/platform/time';

/**
 * A session: one sign-in of one person, with an access token that expires in minutes and a
 * refresh token that is replaced at every use. Using a refresh token that was already replaced
 * means it was copied: the whole session ends, so the copy and the original both stop working.
 * Sessions and refresh tokens carry `expires_at`, the table's TTL attribute.
 */
export const REFRESH_TOKEN_SECONDS = { default: 30 * 24 * 3600, max: 90 * 24 * 3600 } as const;

export interface SessionItem {
  session_id: string;
  user_id: string;
  organization_id: string;
  login_id: string;
  email: string;
  roles: string[];
  amr: string[];
  status: 'active' | 'ended';
  generation: number;
  created_at: string;
  expiration_time: string;
  /** Epoch seconds; the TTL attribute. */
  expires_at: number;
  ended_at?: string;
  ended_reason?: string;
  source_ip?: string;
  user_agent?: string;
}

export interface IssuedTokens {
  'access-token': string;
  'refresh-token': string;
  'token-type': 'Bearer';
  'expires-in': number;
  /** Seconds until the session ends: the refresh token's lifetime, which no refresh extends. */
  'refresh-expires-in': number;
  'session-id': string;
}

export interface NewSession {
  userId: string;
  organizationId: string;
  loginId: string;
  email: string;
  roles: string[];
  amr: string[];
  accessSeconds: number;
  refreshSeconds: number;
  sourceIp?: string;
  userAgent?: string;
  /** The audit event written in the same transaction, about this session. */
  audit: Omit<AuditEvent, 'organizationId' | 'target'>;
  /**
   * The login's `password_updated_at` that the sign-in checked the password against. When
   * given, the session starts only if the password has not changed since: a sign-in that
   * raced a password reset or change would otherwise leave a session that the change's ending
   * of every session did not see. Refused as invalid credentials.
   */
  passwordUpdatedAt?: string;
}

export async function startSession(input: NewSession): Promise<IssuedTokens> {
  const now = new Date();
  const expiresAt = Math.floor(now.getTime() / 1000) + input.refreshSeconds;
  const session: SessionItem = {
    session_id: newId('session'),
    user_id: input.userId,
    organization_id: input.organizationId,
    login_id: input.loginId,
    email: input.email,
    roles: input.roles,
    amr: input.amr,
    status: 'active',
    generation: 1,
    created_at: timestamp(now),
    expiration_time: timestamp(new Date(expiresAt * 1000)),
    expires_at: expiresAt,
    ...(input.sourceIp && { source_ip: input.sourceIp }),
    ...(input.userAgent && { user_agent: input.userAgent.slice(0, 512) }),
  };
  const refreshToken = newRefreshToken();
  const passwordUnchanged = input.passwordUpdatedAt === undefined ? [] : [passwordUnchangedCheck(input.email, input.passwordUpdatedAt)];
  await db()
    .send(
      new TransactWriteCommand({
        TransactItems: [
          // First, so that its index is 0 when it fails.
          ...passwordUnchanged,
          { Put: { TableName: tableName(), Item: { ...sessionKeys.session(session.session_id), entity: 'session', ...session } } },
          { Put: { TableName: tableName(), Item: refreshItem(refreshToken, session) } },
          { Put: { TableName: tableName(), Item: loginSessionItem(session) } },
          {
            Update: {
              TableName: tableName(),
              Key: userKeys.key(input.organizationId, input.userId),
              UpdateExpression: 'SET last_login_time = :now',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':now': session.created_at },
            },
          },
          {
            Put: {
              TableName: tableName(),
              Item: auditItem({ ...input.audit, organizationId: input.organizationId, target: { type: 'session', id: session.session_id } }),
            },
          },
        ],
      }),
    )
    .catch((error: unknown) => {
      // The password changed while the sign-in was checking it.
      if (passwordUnchanged.length && failedConditions(error)?.includes(0)) throw errors.invalidCredentials();
      throw error;
    });
  return issue(session, refreshToken, input.accessSeconds);
}

/** The session's entry in its login's partition; it expires with the session. */
function loginSessionItem(session: SessionItem): Record<string, unknown> {
  return {
    ...sessionKeys.ofLogin(session.login_id, session.session_id),
    entity: 'login_session',
    session_id: session.session_id,
    created_at: session.created_at,
    expires_at: session.expires_at,
  };
}

function passwordUnchangedCheck(email: string, passwordUpdatedAt: string) {
  return {
    ConditionCheck: {
      TableName: tableName(),
      Key: loginKeys.byEmail(email),
      ConditionExpression: 'password_updated_at = :seen',
      ExpressionAttributeValues: { ':seen': passwordUpdatedAt },
    },
  };
}

/**
 * Replaces a refresh token with a new one and a new access token. The old token is marked used
 * in the same transaction that moves the session's generation on, so of two requests racing with
 * one token exactly one wins; the other, like any later use, ends the session.
 */
export async function refreshSession(refreshToken: string, accessSeconds: number): Promise<IssuedTokens> {
  const key = sessionKeys.refreshToken(hashToken(refreshToken));
  const { Item: token } = await db().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
  const nowSeconds = Math.floor(Date.now() / 1000);
  if (!token || (token.expires_at as number) <= nowSeconds) throw errors.refreshTokenInvalid();
  const sessionId = token.session_id as string;
  if (token.used_at) {
    await endReusedSession(sessionId);
    throw errors.refreshTokenReused();
  }
  const session = await getSessionItem(sessionId);
  if (!session || session.status !== 'active' || session.expires_at <= nowSeconds) throw errors.refreshTokenInvalid();
  const next = newRefreshToken();
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName(),
              Key: key,
              UpdateExpression: 'SET used_at = :now',
              ConditionExpression: 'attribute_not_exists(used_at)',
              ExpressionAttributeValues: { ':now': timestamp() },
            },
          },
          {
            Update: {
              TableName: tableName(),
              Key: sessionKeys.session(sessionId),
              UpdateExpression: 'SET generation = generation + :one',
              ConditionExpression: '#status = :active AND generation = :generation',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':one': 1, ':active': 'active', ':generation': session.generation },
            },
          },
          { Put: { TableName: tableName(), Item: refreshItem(next, { ...session, generation: session.generation + 1 }) } },
        ],
      }),
    );
  } catch (error) {
    const failed = failedConditions(error);
    if (!failed?.length) throw error;
    // Another request used this token first: this use is a reuse.
    if (failed.includes(0)) {
      await endReusedSession(sessionId);
      throw errors.refreshTokenReused();
    }
    throw errors.refreshTokenInvalid();
  }
  return issue({ ...session, generation: session.generation + 1 }, next, accessSeconds);
}

/**
 * Ends a session and writes its audit event in the same transaction; false when it had already
 * ended (then nothing is written).
 */
export async function endSession(
  session: Pick<SessionItem, 'session_id' | 'organization_id'>,
  reason: 'logged_out' | 'ended_by_admin' | 'refresh_token_reused',
  audit: Omit<AuditEvent, 'organizationId' | 'target'>,
): Promise<boolean> {
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName(),
              Key: sessionKeys.session(session.session_id),
              UpdateExpression: 'SET #status = :ended, ended_at = :now, ended_reason = :reason',
              ConditionExpression: '#status = :active',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':ended': 'ended', ':active': 'active', ':now': timestamp(), ':reason': reason },
            },
          },
          {
            Put: {
              TableName: tableName(),
              Item: auditItem({ ...audit, organizationId: session.organization_id, target: { type: 'session', id: session.session_id } }),
            },
          },
        ],
      }),
    );
    return true;
  } catch (error) {
    if (failedConditions(error)?.length) return false;
    throw error;
  }
}

/** A refresh token came back after it was replaced: whoever holds it, the session is over. */
async function endReusedSession(sessionId: string): Promise<void> {
  const session = await getSessionItem(sessionId);
  if (session) await endSession(session, 'refresh_token_reused', { action: 'refresh_token.reused', actor: { type: 'anonymous' } });
}

export async function getSessionItem(sessionId: string): Promise<SessionItem | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: sessionKeys.session(sessionId), ConsistentRead: true }));
  return Item as SessionItem | undefined;
}

/**
 * What a verified token's session allows now, or undefined when it no longer holds: the session
 * active and unexpired, its organization not suspended, and its person still a member who may
 * sign in (not onboarding, not inactive). Roles and permissions come from the user item, not
 * the token, so a role change applies at the next check. One BatchGetItem, and a second only
 * for a person holding custom roles; the authorizer's answer is then cached.
 */
export async function sessionHolds(claims: AccessClaims): Promise<{ roles: string[]; permissions: Permission[] } | undefined> {
  const sessionKey = sessionKeys.session(claims.sessionId);
  const organizationKey = organizationKeys.key(claims.organizationId);
  const userKey = userKeys.key(claims.organizationId, claims.userId);
  const found = await batchGet([sessionKey, organizationKey, userKey]);
  const session = found(sessionKey) as SessionItem | undefined;
  const organization = found(organizationKey);
  const user = found(userKey) as MembershipItem | undefined;
  const holds =
    session !== undefined &&
    session.status === 'active' &&
    session.expires_at > Math.floor(Date.now() / 1000) &&
    session.user_id === claims.userId &&
    organization !== undefined &&
    (organization.status ?? 'active') === 'active' &&
    user !== undefined &&
    user.status === 'active';
  if (!holds) return undefined;
  return { roles: user.role_ids ?? [], permissions: await permissionsOfUser(user) };
}

function refreshItem(token: string, session: Pick<SessionItem, 'session_id' | 'generation' | 'expires_at'>): Record<string, unknown> {
  return {
    ...sessionKeys.refreshToken(hashToken(token)),
    entity: 'refresh_token',
    session_id: session.session_id,
    generation: session.generation,
    expires_at: session.expires_at,
  };
}

async function issue(session: SessionItem, refreshToken: string, accessSeconds: number): Promise<IssuedTokens> {
  const accessToken = await signAccessToken(
    {
      userId: session.user_id,
      organizationId: session.organization_id,
      sessionId: session.session_id,
      roles: session.roles,
      email: session.email,
      amr: session.amr,
    },
    accessSeconds,
  );
  return {
    'access-token': accessToken,
    'refresh-token': refreshToken,
    'token-type': 'Bearer',
    'expires-in': accessSeconds,
    'refresh-expires-in': Math.max(0, session.expires_at - Math.floor(Date.now() / 1000)),
    'session-id': session.session_id,
  };
}
