import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { loginKeys, normalizeEmail } from '#shared/identity/logins/keys';
import type { LoginItem } from '#shared/identity/logins/login';
import { hashPassword } from '#shared/identity/passwords/hash';
import { BUILT_IN_ROLES } from '#shared/identity/roles/permissions';
import { userKeys } from '#shared/api/users/keys';
import { tableName } from '#shared/platform/config';
import { db, isConditionFailure } from '#shared/platform/db';
import { newId } from '#shared/platform/ids';
import { timestamp } from '#shared/platform/time';

/**
 * An organization's first owner: the membership (a user of the organization, active, with the
 * owner role) and its login, in one transaction; the email must have no login yet. The user
 * item keeps the public API's projection (`full_name`, `roles[].title`, `status`) beside the
 * management fields, so `GET /users` shows the owner too.
 */
export async function createOwner(input: {
  organizationId: string;
  email: string;
  password: string;
  firstName: string;
  lastName: string;
}): Promise<{ userId: string; loginId: string }> {
  const owner = ownerItems({ ...input, passwordHash: await hashPassword(input.password) });
  await db().send(new TransactWriteCommand({ TransactItems: owner.puts }));
  return { userId: owner.userId, loginId: owner.loginId };
}

/** A Put of a new item, only where there is none, for a TransactWriteItems. */
export interface PutWhereNone {
  Put: { TableName: string; Item: Record<string, unknown>; ConditionExpression: string };
}

/**
 * The owner's login and user items as conditional Puts (each only where none is), for a caller
 * that adds them to a transaction of its own.
 */
export function ownerItems(input: {
  organizationId: string;
  email: string;
  passwordHash: string;
  firstName: string;
  lastName: string;
}): { userId: string; loginId: string; email: string; puts: PutWhereNone[] } {
  const now = timestamp();
  const email = normalizeEmail(input.email);
  const userId = newId('user');
  const login: LoginItem = {
    login_id: newId('login'),
    email,
    password_hash: input.passwordHash,
    organization_id: input.organizationId,
    user_id: userId,
    created_at: now,
    password_updated_at: now,
  };
  const user = {
    ...userKeys.key(input.organizationId, userId),
    entity: 'user',
    id: userId,
    created_at: now,
    updated_at: now,
    email,
    first_name: input.firstName,
    last_name: input.lastName,
    full_name: `${input.firstName} ${input.lastName}`.trim(),
    roles: [{ title: BUILT_IN_ROLES.owner.displayName }],
    access_roles: ['owner'],
    status: 'active',
    state: 'active:available',
    status_transitions: [],
    login_id: login.login_id,
  };
  const put = (Item: Record<string, unknown>): PutWhereNone => ({
    Put: { TableName: tableName(), Item, ConditionExpression: 'attribute_not_exists(pk)' },
  });
  return { userId, loginId: login.login_id, email, puts: [put({ ...loginKeys.byEmail(email), entity: 'login', ...login }), put(user)] };
}

/** Sets a login's password (the local stack's seeded owner, when OSMA_OWNER_PASSWORD changes). */
export async function setPassword(email: string, password: string): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: loginKeys.byEmail(email),
        UpdateExpression: 'SET password_hash = :hash, password_updated_at = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':hash': await hashPassword(password), ':now': timestamp() },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
