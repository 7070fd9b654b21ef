import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { loginKeys } from '#shared/identity/logins/keys';
import type { LoginItem } from '#shared/identity/logins/login';
import { checkLoginThrottle, recordFailedSignIn } from '#shared/identity/logins/throttle';
import { dummyVerify, verifyPassword } from '#shared/identity/passwords/hash';
import type { SessionPrincipal } from '#shared/identity/principal';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';

/**
 * The login of the person signed in, for changes to their own credentials (TOTP). The session
 * names its email; the login found must be the session's membership, else the session does
 * not stand for it (one GetItem).
 */
export async function ownLogin(principal: SessionPrincipal): Promise<LoginItem> {
  const login = await findOwnLogin(principal);
  if (!login) throw errors.notAuthenticated();
  return login;
}

async function findOwnLogin(principal: SessionPrincipal): Promise<LoginItem | undefined> {
  if (!principal.email) return undefined;
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: loginKeys.byEmail(principal.email), ConsistentRead: true }));
  const login = Item as LoginItem | undefined;
  return login?.user_id === principal.userId && login.organization_id === principal.organizationId ? login : undefined;
}

/**
 * A signed-in person confirms a sensitive change with their password. A stolen access token
 * must not make the password guessable, so a wrong one counts as a failed sign-in in the login
 * throttle (per username and per source address, docs/management-api.md) and is audited as
 * one; once the throttle refuses, a right password is refused too (429).
 *
 * `param` names the body field in the 403 `invalid_password` error.
 */
export async function confirmPassword(
  principal: SessionPrincipal,
  password: string,
  source: { ip: string; userAgent?: string },
  param = 'password',
): Promise<LoginItem> {
  await checkLoginThrottle(principal.email, source.ip);
  const login = await findOwnLogin(principal);
  const right = login ? await verifyPassword(password, login.password_hash) : await dummyVerify(password);
  if (login && right) return login;
  await recordFailedSignIn(principal.email, principal, source, 'password_confirmation');
  throw errors.invalidPassword(param);
}
