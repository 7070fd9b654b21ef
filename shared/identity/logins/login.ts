import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { loginKeys, normalizeEmail } from '#shared/identity/logins/keys';
import { checkLoginThrottle, recordFailedSignIn } from '#shared/identity/logins/throttle';
import { checkLoginTotp, type LoginTotpOutcome } from '#shared/identity/mfa/totp-config';
import { organizationKeys } from '#shared/identity/organizations/keys';
import { dummyVerify, hashPassword, verifyPassword } from '#shared/identity/passwords/hash';
import { REFRESH_TOKEN_SECONDS, startSession, type IssuedTokens } from '#shared/identity/sessions/session';
import { ACCESS_TOKEN_SECONDS } from '#shared/identity/sessions/tokens';
import { userKeys } from '#shared/api/users/keys';
import { tableName } from '#shared/platform/config';
import { batchGet, db } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';
import { newId } from '#shared/platform/ids';
import { timestamp } from '#shared/platform/time';

/**
 * A login identity (email and password hash) and its one membership, the user in an
 * organization (DESIGN.md: one membership per login for now).
 */
export interface LoginItem {
  login_id: string;
  email: string;
  password_hash: string;
  organization_id: string;
  user_id: string;
  created_at: string;
  password_updated_at: string;
}

export interface LoginInput {
  username: string;
  password: string;
  'totp-code'?: string;
  'access-token-expiration-seconds'?: number;
  'refresh-token-expiration-seconds'?: number;
}

export interface LoginAnswer extends IssuedTokens {
  'user-id': string;
  username: string;
  email: string;
  'first-name': string | null;
  'last-name': string | null;
  organizations: string[];
}

/**
 * Signs in. An unknown username and a wrong password take the same path (a password hash is
 * checked either way, the failure counted either way) and get the same 401, so an answer never
 * tells whether an email has a login.
 */
export async function logIn(input: LoginInput, source: { ip: string; userAgent?: string }): Promise<LoginAnswer> {
  await checkLoginThrottle(input.username, source.ip);
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: loginKeys.byEmail(input.username), ConsistentRead: true }));
  const login = Item as LoginItem | undefined;
  const passwordRight = login ? await verifyPassword(input.password, login.password_hash) : await dummyVerify(input.password);
  if (!login || !passwordRight) {
    await recordFailedSignIn(input.username, { organizationId: login?.organization_id, userId: login?.user_id }, source);
    throw errors.invalidCredentials();
  }
  const userKey = userKeys.key(login.organization_id, login.user_id);
  const organizationKey = organizationKeys.key(login.organization_id);
  const [totp, found] = await Promise.all([
    checkLoginTotp(login.login_id, input['totp-code']),
    batchGet([userKey, organizationKey]),
  ]);
  await requireSecondFactor(totp, login, source);
  const user = found(userKey);
  const organization = found(organizationKey);
  // The password was right, so saying why the sign-in is refused tells nothing new.
  if (!user || user.status !== 'active' || !organization || (organization.status ?? 'active') !== 'active') {
    throw errors.permissionDenied('This login has no active membership in an active organization.');
  }
  const roles = (user.role_ids as string[] | undefined) ?? [];
  const tokens = await startSession({
    userId: login.user_id,
    organizationId: login.organization_id,
    loginId: login.login_id,
    passwordUpdatedAt: login.password_updated_at,
    email: login.email,
    roles,
    amr: totp === 'accepted' ? ['pwd', 'otp'] : ['pwd'],
    accessSeconds: input['access-token-expiration-seconds'] ?? ACCESS_TOKEN_SECONDS.default,
    refreshSeconds: input['refresh-token-expiration-seconds'] ?? REFRESH_TOKEN_SECONDS.default,
    sourceIp: source.ip,
    userAgent: source.userAgent,
    audit: { action: 'login.succeeded', actor: { type: 'user', id: login.user_id }, ip: source.ip, userAgent: source.userAgent },
  });
  return loginAnswer(tokens, login, user);
}

/** What a sign-in answers (a login, or an accepted invitation): the tokens and who signed in. */
export function loginAnswer(
  tokens: IssuedTokens,
  login: Pick<LoginItem, 'user_id' | 'email' | 'organization_id'>,
  user: { first_name?: unknown; last_name?: unknown },
): LoginAnswer {
  const name = (value: unknown) => (typeof value === 'string' && value ? value : null);
  return {
    ...tokens,
    'user-id': login.user_id,
    username: login.email,
    email: login.email,
    'first-name': name(user.first_name),
    'last-name': name(user.last_name),
    organizations: [login.organization_id],
  };
}

/**
 * The second factor, once the password was right. A login with TOTP enabled and no code gets
 * `mfa_required`, not counted as a failure: a missing code is no guess, and the password was
 * right. A wrong, malformed or replayed code is a guess: it counts in the throttle and is
 * audited like a wrong password, so codes cannot be tried faster than passwords.
 */
async function requireSecondFactor(totp: LoginTotpOutcome, login: LoginItem, source: { ip: string; userAgent?: string }): Promise<void> {
  if (totp === 'code_required') throw errors.mfaRequired();
  if (totp !== 'refused') return;
  await recordFailedSignIn(login.email, { organizationId: login.organization_id, userId: login.user_id }, source, 'totp_refused');
  throw errors.invalidTotpCode();
}

/**
 * Makes a login for a membership that exists: the email must have no login yet (a lock on
 * the normalized email), and the membership gains its login id. Used for an organization's
 * first owner; invitations (next) end the same way.
 */
export async function createLogin(input: { email: string; password: string; organizationId: string; userId: string }): Promise<LoginItem> {
  const now = timestamp();
  const login: LoginItem = {
    login_id: newId('login'),
    email: normalizeEmail(input.email),
    password_hash: await hashPassword(input.password),
    organization_id: input.organizationId,
    user_id: input.userId,
    created_at: now,
    password_updated_at: now,
  };
  await db().send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: tableName(),
            Item: { ...loginKeys.byEmail(login.email), entity: 'login', ...login },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Update: {
            TableName: tableName(),
            Key: userKeys.key(input.organizationId, input.userId),
            UpdateExpression: 'SET login_id = :login',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':login': login.login_id },
          },
        },
      ],
    }),
  );
  return login;
}
