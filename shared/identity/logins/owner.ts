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
  const now = timestamp();
  const email = normalizeEmail(input.email);
  const userId = newId('user');
  const login: LoginItem = {
    login_id: newId('login'),
    email,
    password_hash: await hashPassword(input.password),
    organization_id: input.organizationId,
    user_id: userId,
    created_at: now,
    password_updated_at: now,
  };
  await db().send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: tableName(),
            Item: { ...loginKeys.byEmail(email), entity: 'login', ...login },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: tableName(),
            Item: {
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
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    }),
  );
  return { userId, loginId: login.login_id };
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
