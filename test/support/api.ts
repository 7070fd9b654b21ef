import { inject } from 'vitest';
import { generateApiKey, storeApiKey } from '#shared/identity/api-keys/api-key';
import { createOrganization } from '#shared/identity/organizations/organization';
import type { OrganizationSettings } from '#shared/identity/organizations/schemas';
import type { Mode } from '#shared/platform/table';
import { createPerson } from '#local/people';
import { conformanceChecker } from '#test/support/conformance';

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

/**
 * One HTTP call to the local stack. Every answer is checked against the OpenAPI document the
 * stack serves (status, content type, body schema, headers): a call whose answer the document
 * does not describe fails the test that made it, so the whole end-to-end suite doubles as a
 * test that the document describes the API as it answers.
 */
export async function call<T = any>(
  method: string,
  path: string,
  options: {
    key?: string | null;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
    /** Skip the OpenAPI check (for answers a test provokes on purpose outside the API's contract). */
    unchecked?: boolean;
  } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  const key = options.key === undefined ? stack.testKey : options.key;
  if (key !== null) headers['osma-api-key'] = key;
  return checkedCall(method, path, { ...options, headers }, options.unchecked ? undefined : documentChecker, 'OpenAPI document');
}

/**
 * Sends one request to the stack and, unless `checker` is undefined, fails when the answer does
 * not match the document the checker was made from. Both APIs' test clients go through it.
 */
export async function checkedCall<T = any>(
  method: string,
  path: string,
  request: { headers: Record<string, string>; body?: unknown; rawBody?: string },
  checker: (() => Promise<ReturnType<typeof conformanceChecker>>) | undefined,
  documentName: string,
): Promise<ApiResponse<T>> {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: request.headers,
    body: request.rawBody ?? (request.body === undefined ? undefined : JSON.stringify(request.body)),
  });
  const text = await response.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (checker) {
    const check = await checker();
    const problems = check({ method, path, status: response.status, headers: response.headers, body, text });
    if (problems.length) {
      throw new Error(`The answer to ${method} ${path} does not match the ${documentName}:\n- ${problems.join('\n- ')}\n${text.slice(0, 2000)}`);
    }
  }
  return { status: response.status, headers: response.headers, body, text };
}

let checker: Promise<ReturnType<typeof conformanceChecker>> | undefined;

/** The document as the stack serves it, fetched once per test file. */
function documentChecker(): Promise<ReturnType<typeof conformanceChecker>> {
  checker ??= fetch(`${stack.url}/spec/openapi.json`)
    .then((response) => response.json())
    .then((document) => conformanceChecker(document as Parameters<typeof conformanceChecker>[0]));
  return checker;
}

/**
 * Limits high enough that a test's quick sequential calls never meet them. Tests of the rate
 * limiter ask for `DEFAULT_RATE_LIMITS`, the spec's 20 and 100.
 */
export const TEST_RATE_LIMITS: Record<Mode, number> = { test: 10_000, live: 10_000 };

/**
 * A fresh organization with its own keys and one user of each status (made through the
 * management plane's functions, each status reached by real moves), so a test's data (and rate
 * limit) is its own.
 */
export async function newOrganization(settings: Partial<OrganizationSettings> = {}) {
  const organization = await createOrganization('Test organization', { rate_limits: TEST_RATE_LIMITS, ...settings });
  const testKey = generateApiKey('test');
  const liveKey = generateApiKey('live');
  await storeApiKey(organization.id, testKey);
  await storeApiKey(organization.id, liveKey);
  const active = await createPerson(organization.id, {
    email: 'active@osma.test',
    firstName: 'Active',
    lastName: 'User',
    jobTitles: ['Pharmacist'],
    path: ['onboarding:invited', 'active:available'],
  });
  const invited = await createPerson(organization.id, { email: 'invited@osma.test', firstName: 'Invited', lastName: 'User', path: ['onboarding:invited'] });
  const inactive = await createPerson(organization.id, {
    email: 'inactive@osma.test',
    firstName: 'Inactive',
    lastName: 'User',
    jobTitles: ['Nurse'],
    path: ['onboarding:invited', 'active:available', 'inactive:deactivated'],
  });
  return { organizationId: organization.id, testKey, liveKey, users: { active, invited, inactive } };
}

export const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;
