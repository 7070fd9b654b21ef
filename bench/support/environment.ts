import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent, APIGatewayProxyResult, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { PROJECT_ROOT } from '#infra/platform/bundling';
import { lambdaContext, proxyEvent } from '#local/gateway';
import { startLocalStack, type LocalStack } from '#local/stack';
import { generateApiKey, storeApiKey } from '#shared/identity/api-keys/api-key';
import { createOrganization } from '#shared/identity/organizations/organization';
import type { RouteDefinition } from '#shared/http/route';
import type { Scope } from '#shared/platform/table';
import { createPerson } from '#local/people';
import type { MembershipItem } from '#shared/identity/users/membership';

/** Where the benchmark keeps what it builds (bundles, handler logs); git ignores it. */
export const WORK_DIR = path.join(PROJECT_ROOT, 'bench', '.out');

export type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
type Authorizer = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

/**
 * Rate limits of the benchmark's organizations: far above anything it sends, so that a
 * limiter (when the code has one) is measured for what it costs, never for what it refuses.
 * Passed as organization settings; code without settings ignores them.
 */
export const BENCH_RATE_LIMITS = { test: 1_000_000, live: 1_000_000 } as const;

export interface BenchOrganization {
  organizationId: string;
  scope: Scope;
  testKey: string;
  users: { active: MembershipItem; invited: MembershipItem; inactive: MembershipItem };
  /** What the real authorizer hands the handlers for the test key (as API Gateway passes it: strings). */
  authorizer: Record<string, string>;
}

let stackPromise: Promise<LocalStack> | undefined;

/**
 * The local stack of `npm start`, in this process and in memory (no data dir): DynamoDB Local
 * on a free port, fauxqs, and the gateway. Started once, on first need. The webhook pipeline
 * waits for the webhook section (the adapter starts it), so that the router's reads of every
 * task event do not land in the other sections' figures.
 */
export function benchStack(): Promise<LocalStack> {
  stackPromise ??= startLocalStack({ port: 0, webhookPipeline: false, requestLogs: false });
  return stackPromise;
}

export async function stopBenchStack(): Promise<void> {
  if (!stackPromise) return;
  const stack = await stackPromise.catch(() => undefined);
  stackPromise = undefined;
  await stack?.stop();
}

/** An organization of its own per use, with a test key and one user of each status. */
export async function benchOrganization(name: string): Promise<BenchOrganization> {
  await benchStack();
  // Organizations take settings (rate limits) once the limiter lands; until then the extra
  // argument is ignored.
  const create = createOrganization as unknown as (name: string, settings?: object) => Promise<{ id: string }>;
  const organization = await create(name, { rate_limits: { ...BENCH_RATE_LIMITS } });
  const testKey = generateApiKey('test');
  await storeApiKey(organization.id, testKey);
  const names = { firstName: 'Bench', lastName: 'User' };
  // The active user signs in to the management API (an administrator: built-in roles cost the
  // session authorizer no read); the inactive one holds a custom job role, read for its title.
  const active = await createPerson(organization.id, { ...names, email: 'active@osma.bench', builtInRoles: ['admin'], path: ['onboarding:invited', 'active:available'] });
  const invited = await createPerson(organization.id, { ...names, email: 'invited@osma.bench', path: ['onboarding:invited'] });
  const inactive = await createPerson(organization.id, {
    ...names,
    email: 'inactive@osma.bench',
    jobTitles: ['Nurse'],
    path: ['onboarding:invited', 'active:available', 'inactive:deactivated'],
  });
  return {
    organizationId: organization.id,
    scope: { organizationId: organization.id, mode: 'test' },
    testKey,
    users: { active, invited, inactive },
    authorizer: await authorizerContext(testKey),
  };
}

let authorizer: Promise<Authorizer> | undefined;

/** Runs the real authorizer for a key, as the gateway does on a cache miss. */
export async function authorizerContext(key: string): Promise<Record<string, string>> {
  authorizer ??= import('#functions/api/authorizer').then((module: { handler: Authorizer }) => module.handler);
  const result = await (await authorizer)({
    type: 'REQUEST',
    methodArn: 'arn:aws:execute-api:local:000000000000:local/local/GET/bench',
    headers: { 'osma-api-key': key },
    requestContext: { requestId: randomUUID() },
  } as unknown as APIGatewayRequestAuthorizerEvent);
  if (result.policyDocument.Statement[0]?.Effect !== 'Allow') throw new Error('The authorizer refused the bench key');
  // A REST API hands the authorizer's context to the integration with every value as a string.
  const context = Object.entries(result.context ?? {}).map(([name, value]) => [name, String(value)]);
  return { principalId: result.principalId, ...Object.fromEntries(context) };
}

let sessionAuthorizer: Promise<Authorizer> | undefined;

/** Runs the management API's session authorizer for an access token, as the gateway does on a cache miss. */
export async function sessionAuthorizerContext(accessToken: string): Promise<Record<string, string>> {
  sessionAuthorizer ??= import('#functions/identity/authorizer').then((module: { handler: Authorizer }) => module.handler);
  const result = await (await sessionAuthorizer)({
    type: 'REQUEST',
    methodArn: 'arn:aws:execute-api:local:000000000000:local/local/POST/bench',
    headers: { authorization: `Bearer ${accessToken}` },
    requestContext: { requestId: randomUUID() },
  } as unknown as APIGatewayRequestAuthorizerEvent);
  if (result.policyDocument.Statement[0]?.Effect !== 'Allow') throw new Error('The session authorizer refused the bench token');
  const context = Object.entries(result.context ?? {}).map(([name, value]) => [name, String(value)]);
  return { principalId: result.principalId, ...Object.fromEntries(context) };
}

const handlers = new Map<string, Promise<Handler>>();

/** The handler a route's Lambda runs, loaded as the gateway loads it. */
export function routeHandler(route: RouteDefinition): Promise<Handler> {
  let handler = handlers.get(route.handler);
  if (!handler) {
    handler = import(`#functions/${route.handler}`).then((module: { handler: Handler }) => module.handler);
    handlers.set(route.handler, handler);
  }
  return handler;
}

export interface RequestSpec {
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  /** The authorizer's context for this call (a session's, on the management API); else the org's key's on apiKey routes. */
  authorizer?: Record<string, string>;
}

const fakeSocket = { httpVersion: '1.1', socket: { remoteAddress: '127.0.0.1' } } as unknown as IncomingMessage;

/** The proxy event the local gateway would build for this request, authorized for `org`. */
export function apiEvent(route: RouteDefinition, org: BenchOrganization | undefined, request: RequestSpec): APIGatewayProxyEvent {
  const pathname = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(request.pathParameters?.[name] ?? ''));
  const url = new URL(pathname, 'http://localhost');
  for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
  const body = request.body === undefined ? '' : JSON.stringify(request.body);
  const headers: Record<string, string> = {
    host: 'localhost',
    'user-agent': 'osma-bench',
    ...(org && route.auth !== 'session' && { 'osma-api-key': org.testKey }),
    ...(body && { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
    ...request.headers,
  };
  return proxyEvent({
    req: fakeSocket,
    url,
    method: route.method,
    headers,
    body,
    match: { route, pathParameters: request.pathParameters ?? null },
    requestId: randomUUID(),
    authorizerContext: request.authorizer ?? (route.auth === 'apiKey' && org ? org.authorizer : null),
  });
}

export const apiContext = (route: RouteDefinition): Context => lambdaContext(route);

/**
 * The handlers write one JSON log line per request, as they do in Lambda (INFO). While a
 * section measures, stdout goes to a file instead of the terminal, so that the log lines
 * cost what writing them costs without burying the tables; the runner's own output goes to
 * stderr until the tables are printed.
 */
let logStarted = false;

export function redirectStdout(file = path.join(WORK_DIR, 'handlers.log')): () => void {
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(file, logStarted ? 'a' : 'w');
  logStarted = true;
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
    if (typeof chunk === 'string') writeSync(fd, chunk);
    else writeSync(fd, chunk);
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') done();
    return true;
  }) as typeof process.stdout.write;
  return () => {
    process.stdout.write = original;
    closeSync(fd);
  };
}

export const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
