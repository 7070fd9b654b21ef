import { inject } from 'vitest';
import { generateApiKey, storeApiKey } from '#shared/auth/api-keys';
import { createOrganization } from '#shared/organizations/organization';
import { putUsers } from '#shared/users/user';

/** Calls to the local stack over real HTTP, as a consumer makes them. */
export const stack = {
  url: inject('apiUrl'),
  testKey: inject('testKey'),
  liveKey: inject('liveKey'),
  organizationId: inject('organizationId'),
  logFile: inject('logFile'),
};

// The suite's own writes (new organizations and keys) go to the same DynamoDB Local.
Object.assign(process.env, {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoDbEndpoint'),
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  OSMA_TABLE_NAME: inject('tableName'),
});

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export async function call<T = any>(
  method: string,
  path: string,
  options: { key?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  const key = options.key === undefined ? stack.testKey : options.key;
  if (key !== null) headers['osma-api-key'] = key;
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers,
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** A fresh organization with its own keys and one user of each status, so a test's data is its own. */
export async function newOrganization() {
  const organization = await createOrganization('Test organization');
  const testKey = generateApiKey('test');
  const liveKey = generateApiKey('live');
  await storeApiKey(organization.id, testKey);
  await storeApiKey(organization.id, liveKey);
  const [active, invited, inactive] = await putUsers(organization.id, [
    { email: 'active@osma.test', full_name: 'Active User', roles: [{ title: 'Pharmacist' }], status: 'active' },
    { email: 'invited@osma.test', full_name: 'Invited User', roles: [], status: 'invited' },
    { email: 'inactive@osma.test', full_name: 'Inactive User', roles: [{ title: 'Nurse' }], status: 'inactive' },
  ]);
  return { organizationId: organization.id, testKey, liveKey, users: { active: active!, invited: invited!, inactive: inactive! } };
}

export const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;
