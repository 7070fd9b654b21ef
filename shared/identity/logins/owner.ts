import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { loginKeys, normalizeEmail } from '#shared/identity/logins/keys';
import type { LoginItem } from '#shared/identity/logins/login';
import { hashPassword } from '#shared/identity/passwords/hash';
import { membershipWrites, newMembershipItem, type TransactItem } from '#shared/identity/users/membership';
import { tableName } from '#shared/platform/config';
import { db, isConditionFailure } from '#shared/platform/db';
import { newId } from '#shared/platform/ids';
import { timestamp } from '#shared/platform/time';

/**
 * An organization's first owner: the membership (a user of the organization, active, with the
 * owner role) and its login, in one transaction; the email must have no login yet.
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

/**
 * The owner's login and membership writes (the login first; each only where none is), for a
 * caller that adds them to a transaction of its own. The membership is active with the owner
 * role, its email and role holder items and the active-owner count with it.
 */
export function ownerItems(input: {
  organizationId: string;
  email: string;
  passwordHash: string;
  firstName: string;
  lastName: string;
}): { userId: string; loginId: string; email: string; puts: TransactItem[] } {
  const now = timestamp();
  const email = normalizeEmail(input.email);
  const loginId = newId('login');
  const user = newMembershipItem(
    {
      organizationId: input.organizationId,
      email,
      firstName: input.firstName,
      lastName: input.lastName,
      roleIds: ['owner'],
      state: { state: 'active', subState: 'available' },
      registrationInvite: 'none',
      loginId,
    },
    now,
  );
  const login: LoginItem = {
    login_id: loginId,
    email,
    password_hash: input.passwordHash,
    organization_id: input.organizationId,
    user_id: user.id,
    created_at: now,
    password_updated_at: now,
  };
  const loginPut: TransactItem = {
    Put: { TableName: tableName(), Item: { ...loginKeys.byEmail(email), entity: 'login', ...login }, ConditionExpression: 'attribute_not_exists(pk)' },
  };
  return { userId: user.id, loginId, email, puts: [loginPut, ...membershipWrites(user, { actor: { type: 'platform' } }).items] };
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
