import { randomUUID } from 'node:crypto';
import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';
import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayRequestAuthorizerEvent,
  Context,
} from 'aws-lambda';
import { jsonResponse, type ApiHandler } from '#shared/http/handler';
import { errors, type OsmaError } from '#shared/platform/errors';
import { publicPlane } from '#shared/api/plane';
import { identityPlane } from '#shared/identity/plane';
import type { PlaneDescription } from '#shared/http/plane';
import { logger } from '#shared/platform/logger';
import type { RouteDefinition } from '#shared/http/route';
import { localMailAnswer } from '#local/mail-outbox';
import { cookieSessionAtOrigin, parseCookies } from '#shared/http/cookie-session';

/**
 * A stand-in for API Gateway: it routes with the same route table as the stack, plays the
 * REQUEST authorizer (with its result cache), turns each HTTP request into the REST API's
 * proxy event, and calls the same handler a Lambda would. Its own answers (unknown route,
 * wrong method, bad key, body too large) are the stack's gateway responses; what is not HTTP
 * at all gets the same error format (see `answerProtocolError`). In front of a plane that takes
 * browser sessions it also plays the CloudFront Function of the shared origin (CSRF check, session
 * cookie to bearer token: `shared/http/cookie-session.ts`).
 */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const invokeStore = InvokeStore.getInstanceAsync(true);
/** Lambda's limit on what a function answers: the proxy result, as JSON. */
const MAX_LAMBDA_ANSWER_BYTES = 6 * 1024 * 1024;
const STAGE = 'local';

type Authorizer = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;

/**
 * The gateway's handling of one request, for another local server that passes requests through
 * to it on its own origin (the dashboard's `/v1/`, as CloudFront does): the origin checks and the
 * cookie-to-token step then see that server's own `Host` and `Origin`.
 */
export type GatewayListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface Match {
  route: RouteDefinition;
  pathParameters: Record<string, string> | null;
}

export async function startGateway(options: {
  port: number;
  host?: string;
  /** The planes it serves, each under its base path, on one origin. @default the public and the management API */
  planes?: PlaneDescription[];
}): Promise<{ url: string; stop: () => Promise<void>; listener: GatewayListener }> {
  const planes = (options.planes ?? [publicPlane, identityPlane]).map((plane) => ({
    plane,
    authorize: cachedAuthorizer(
      plane.authorizer.cacheSeconds,
      import(`#functions/${plane.authorizer.handler}`).then((module: { handler: Authorizer }) => module.handler),
    ),
  }));
  // The plane of a path: the one with the longest base path it starts with (the public API's is empty).
  const planeOf = (path: string) =>
    planes
      .filter(({ plane }) => path === plane.basePath || path.startsWith(`${plane.basePath}/`))
      .sort((a, b) => b.plane.basePath.length - a.plane.basePath.length)[0]!;
  const handlers = new Map<string, Promise<ApiHandler>>();
  const loadHandler = (route: RouteDefinition) => {
    let handler = handlers.get(route.handler);
    if (!handler) {
      handler = import(`#functions/${route.handler}`).then((module: { handler: ApiHandler }) => module.handler);
      handlers.set(route.handler, handler);
    }
    return handler;
  };

  const listener: GatewayListener = (req, res) => {
    const requestId = randomUUID();
    const { plane, authorize } = planeOf(requestUrl(req.url ?? '/')?.pathname ?? '/');
    handle(req, requestId, { plane, loadHandler, authorize })
      .catch((error: unknown) => {
        logger.error('local gateway failure', { request_id: requestId, error: error as Error });
        return gatewayError(plane, plane.gatewayResponses.DEFAULT_5XX!);
      })
      .then((result) => {
        if (!result.headers?.['request-id']) logGatewayAnswer(requestId, req.method ?? '', req.url ?? '', result.statusCode);
        send(res, requestId, result);
      });
  };
  const server = createServer(listener);
  server.on('clientError', answerProtocolError);
  await listen(server, options.port, options.host ?? '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    stop: () => stopServer(server),
    listener,
  };
}

/** How long a stop waits for the requests in flight before it closes their connections. */
const STOP_GRACE_MS = 10_000;

/**
 * Takes no new connection at once and lets the requests in flight finish, with the store still
 * up behind them. A kept-alive connection is closed as soon as it is idle, and a request that
 * still comes on one is answered with `connection: close`.
 */
function stopServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
      res.shouldKeepAlive = false;
    });
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const force = setTimeout(() => server.closeAllConnections(), STOP_GRACE_MS);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

async function handle(
  req: IncomingMessage,
  requestId: string,
  deps: {
    plane: PlaneDescription;
    loadHandler: (route: RouteDefinition) => Promise<ApiHandler>;
    authorize: ReturnType<typeof cachedAuthorizer>;
  },
): Promise<APIGatewayProxyResult> {
  const { plane } = deps;
  const url = requestUrl(req.url ?? '/');
  if (!url) return gatewayError(plane, errors.malformedHttp());
  const method = req.method ?? 'GET';
  // Local stage only, outside every plane: the mail outbox (local/mail-outbox.ts).
  const localMail = localMailAnswer(method, url);
  if (localMail) return localMail;
  const headers = singleValueHeaders(req);
  if (plane.cookieSessions) {
    // What the CloudFront Function does at the deployed origin, before anything reaches the API.
    const verdict = cookieSessionAtOrigin({ method, headers, cookies: parseCookies(headers.cookie), origin: `http://${headers.host ?? ''}` });
    if (verdict.refuse) return gatewayError(plane, errors.csrfCheckFailed());
    if (verdict.authorization) headers.authorization = verdict.authorization;
  }
  const answer = (type: string) => gatewayError(plane, plane.gatewayResponses[type]!);
  const candidates = matchPath(plane.routes, url.pathname);
  if (candidates.length === 0) return answer('MISSING_AUTHENTICATION_TOKEN');
  const match = candidates.find((candidate) => candidate.route.method === method);
  if (!match) return gatewayError(plane, errors.methodNotAllowed(candidates.map((candidate) => candidate.route.method)));

  const body = await readBody(req);
  if (body === undefined) return answer('REQUEST_TOO_LARGE');

  let authorizerContext: Record<string, unknown> | null = null;
  if (match.route.auth !== 'none') {
    const key = headers[plane.authorizer.header];
    if (!key) return answer('UNAUTHORIZED');
    const result = await deps.authorize(key, methodArn(method, url.pathname), requestId, headers);
    if (result.policyDocument.Statement[0]?.Effect !== 'Allow') return answer('ACCESS_DENIED');
    // A REST API hands the authorizer's context to the integration with every value as a string.
    const context = Object.entries(result.context ?? {}).map(([name, value]) => [name, String(value)]);
    authorizerContext = { principalId: result.principalId, ...Object.fromEntries(context) };
  }

  const event = proxyEvent({ req, url, method, headers, body, match, requestId, authorizerContext });
  const handler = await deps.loadHandler(match.route);
  // Requests run side by side in this one process, as on a Lambda instance that takes several
  // invocations at once: each runs in its own invocation context, so the keys a handler adds
  // to its log lines (the request id) stay its own.
  const store = await invokeStore;
  const result = await store.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: requestId }, () =>
    handler(event, lambdaContext(match.route)),
  );
  // Lambda fails an invocation whose answer is too large, and API Gateway then answers 5XX:
  // the same here, so that a too heavy answer shows before it is deployed.
  const answerBytes = Buffer.byteLength(JSON.stringify(result));
  if (answerBytes > MAX_LAMBDA_ANSWER_BYTES) {
    throw new Error(`The handler answered ${answerBytes} bytes, over Lambda's limit of ${MAX_LAMBDA_ANSWER_BYTES}`);
  }
  return result;
}

/**
 * The REST API's proxy event, as API Gateway builds it for a Lambda proxy integration. The
 * benchmark builds its events with it too, so that they cannot drift from the gateway's.
 */
export function proxyEvent(input: {
  req: IncomingMessage;
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string;
  match: Match;
  requestId: string;
  authorizerContext: Record<string, unknown> | null;
}): APIGatewayProxyEvent {
  const { req, url, method, headers, body, match, requestId, authorizerContext } = input;
  // Without a prototype, a parameter named `constructor` or `__proto__` is a key like any other.
  const query: Record<string, string> = Object.create(null);
  const multiQuery: Record<string, string[]> = Object.create(null);
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    (multiQuery[name] ??= []).push(value);
  }
  const hasQuery = Object.keys(query).length > 0;
  return {
    resource: match.route.path,
    path: url.pathname,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
    pathParameters: match.pathParameters,
    stageVariables: null,
    body: body.length > 0 ? body : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: authorizerContext,
      protocol: `HTTP/${req.httpVersion}`,
      httpMethod: method,
      path: `/${STAGE}${url.pathname}`,
      stage: STAGE,
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: match.route.operationId,
      resourcePath: match.route.path,
      identity: {
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? null,
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        user: null,
        userArn: null,
      },
    },
  };
}

export function lambdaContext(route: RouteDefinition): Context {
  const deadline = Date.now() + 29_000;
  const functionName = `osma-local-${route.operationId}`;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** API Gateway's authorizer result cache: one answer per key for the cache time. */
function cachedAuthorizer(cacheSeconds: number, authorizer: Promise<Authorizer>) {
  const cache = new Map<string, { result: APIGatewayAuthorizerResult; expires: number }>();
  return async (key: string, arn: string, requestId: string, headers: Record<string, string>) => {
    const cached = cache.get(key);
    if (cached && cached.expires > Date.now()) return cached.result;
    const result = await (await authorizer)({
      type: 'REQUEST',
      methodArn: arn,
      headers,
      requestContext: { requestId },
    } as unknown as APIGatewayRequestAuthorizerEvent);
    cache.set(key, { result, expires: Date.now() + cacheSeconds * 1000 });
    return result;
  };
}

function methodArn(method: string, path: string): string {
  return `arn:aws:execute-api:local:000000000000:local/${STAGE}/${method}${path}`;
}

function matchPath(routes: RouteDefinition[], pathname: string): Match[] {
  const segments = trimSlashes(pathname).split('/');
  const matches: Match[] = [];
  for (const route of routes) {
    const pattern = trimSlashes(route.path).split('/');
    if (pattern.length !== segments.length) continue;
    const pathParameters: Record<string, string> = {};
    const fits = pattern.every((part, index) => {
      const segment = segments[index] ?? '';
      if (part.startsWith('{') && part.endsWith('}')) {
        if (segment === '') return false;
        pathParameters[part.slice(1, -1)] = safeDecode(segment);
        return true;
      }
      return part === segment;
    });
    if (fits) matches.push({ route, pathParameters: Object.keys(pathParameters).length ? pathParameters : null });
  }
  return matches;
}

/**
 * The request target as a URL. A path is read as a path whatever it holds: `new URL('//x', base)`
 * would read `x` as a host (and throw on `//[`). Anything else must be an absolute URL.
 */
function requestUrl(target: string): URL | undefined {
  try {
    return new URL(target.startsWith('/') ? `http://localhost${target}` : target);
  } catch {
    return undefined;
  }
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function singleValueHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

/** The body as text, or undefined when it is over API Gateway's 10 MB limit. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // Keep reading past the limit so the client gets the 413 instead of a reset connection.
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8');
}

function gatewayError(plane: PlaneDescription, error: OsmaError): APIGatewayProxyResult {
  return jsonResponse(error.status, plane.errorBody(error), error.headers);
}

/** What API Gateway's access log would show for an answer no handler gave. */
function logGatewayAnswer(requestId: string, method: string, path: string, status: number): void {
  logger.info('gateway response', { request_id: requestId, method, path, status });
}

function send(res: ServerResponse, requestId: string, result: APIGatewayProxyResult): void {
  const headers: Record<string, string | string[]> = { 'request-id': requestId };
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  // As API Gateway does: a header with several values (set-cookie) is sent once per value.
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name.toLowerCase()] = values.map(String);
  const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body ?? '', 'utf8');
  res.writeHead(result.statusCode, { ...headers, 'content-length': String(body.length) });
  res.end(body);
}

/**
 * Node's HTTP parser refuses some requests before any handler sees them (an unknown method, a
 * raw non-ASCII byte or a space in the path, a malformed header) and would answer an empty 400.
 * They get the API's error format and a request-id instead, written on the socket as raw HTTP,
 * and the connection is closed as Node closes it.
 */
function answerProtocolError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // No one to answer on a reset connection; an answer already under way on it must not be cut
  // into (Node's own default makes the same checks).
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const requestId = randomUUID();
  const answer =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? errors.headersTooLarge()
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? errors.requestTimeout()
        : errors.malformedHttp();
  const body = JSON.stringify(answer.toBody());
  logger.info('gateway response', { request_id: requestId, status: answer.status, protocol_error: error.code });
  const head = [
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}`,
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(body)}`,
    `request-id: ${requestId}`,
    'connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
