import { inject } from 'vitest';
import { checkedCall, stack, type ApiResponse } from '#test/support/api';
import { conformanceChecker } from '#test/support/conformance';

/** The seeded owner of the stack's organization. */
export const owner = { email: inject('ownerEmail'), password: inject('ownerPassword') };

/**
 * One HTTP call to the management API (`/v1/...`), as the dashboard or a script makes it. Every
 * answer is checked against the management API's served OpenAPI document, as `call()` checks
 * the public API's.
 */
export async function manage<T = any>(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string>; unchecked?: boolean } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  return checkedCall(method, path, { ...options, headers }, options.unchecked ? undefined : documentChecker, 'management OpenAPI document');
}

let checker: Promise<ReturnType<typeof conformanceChecker>> | undefined;

function documentChecker(): Promise<ReturnType<typeof conformanceChecker>> {
  checker ??= fetch(`${stack.url}/v1/spec/openapi.json`)
    .then((response) => response.json())
    .then((document) => conformanceChecker(document as Parameters<typeof conformanceChecker>[0], 'JsonApiErrors'));
  return checker;
}

/** Signs in and answers the login's tokens. */
export async function logIn(email = owner.email, password = owner.password) {
  const answer = await manage('POST', '/v1/login/', { body: { username: email, password } });
  if (answer.status !== 201) throw new Error(`login failed: ${answer.status} ${answer.text}`);
  return answer.body as { 'access-token': string; 'refresh-token': string; 'session-id': string; 'user-id': string };
}

/**
 * A new organization with one person who can sign in, holding `roles`, so a test's logins (and
 * their throttling counters) are its own.
 */
export async function newPerson(roles: string[] = ['owner']) {
  const { createOrganization } = await import('#shared/identity/organizations/organization');
  const { createOwner } = await import('#shared/identity/logins/owner');
  const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
  const { db } = await import('#shared/platform/db');
  const { tableName } = await import('#shared/platform/config');
  const { userKeys } = await import('#shared/api/users/keys');
  const organization = await createOrganization('Test organization');
  const email = `person-${crypto.randomUUID()}@osma.test`;
  const password = `Pw-${crypto.randomUUID()}`;
  const { userId } = await createOwner({ organizationId: organization.id, email, password, firstName: 'Pat', lastName: 'Person' });
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: userKeys.key(organization.id, userId),
      UpdateExpression: 'SET role_ids = :roles',
      ExpressionAttributeValues: { ':roles': roles },
    }),
  );
  return { organizationId: organization.id, userId, email, password };
}
