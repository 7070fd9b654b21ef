import * as z from 'zod';
import type { ZodOpenApiResponsesObject } from 'zod-openapi';
import { guaranteesOf } from '#shared/api/guarantees';
import { routeList } from '#shared/api/routes';
import { errorBody, rateLimitBody } from '#shared/api/schemas';
import { API_VERSIONS, FIRST_VERSION, LATEST_VERSION, VERSION_HEADER } from '#shared/api/versions';
import { IDEMPOTENCY_HEADER, MAX_KEY_LENGTH, REPLAYED_HEADER } from '#shared/http/middleware/idempotency';
import { RATE_LIMIT_HEADERS } from '#shared/http/middleware/rate-limit';
import { buildOpenApiDocument, servedDocument, type DocumentSurface } from '#shared/http/openapi';
import type { RouteDefinition } from '#shared/http/route';

/**
 * The public API's OpenAPI document: its info and `osma-api-key` scheme, and the headers and
 * error answers its guarantees add to every route. It describes the newest API version; the
 * changelog of older ones is in the `osma-api-version` parameter.
 */
export const SECURITY_SCHEME = 'osma-api-key';

const versionChangelog = API_VERSIONS.map(
  (version) =>
    `- ${version.date}: ${version.summary}${version.changes.map((change) => `\n  - ${change.description}`).join('')}`,
).join('\n');

const requestHeaders = {
  version: z
    .string()
    .optional()
    .meta({
      description:
        `The API version to use, as an ISO 8601 date: the newest version released on or before it serves the request. ` +
        `Without it the organization's default version applies. A malformed date or one before ${FIRST_VERSION} is a 400.\n\nVersions:\n${versionChangelog}`,
      example: LATEST_VERSION,
      param: { id: 'OsmaApiVersion' },
    }),
  idempotencyKey: z
    .string()
    .min(1)
    .max(MAX_KEY_LENGTH)
    .optional()
    .meta({
      description:
        `Makes the request safe to retry: the first answer (success or error) is stored for 24 hours and returned to every retry with the same key, ` +
        `marked with \`${REPLAYED_HEADER}: true\`. Reusing a key with other parameters or another endpoint is a 400 idempotency_error; ` +
        `a retry while the first request is still running is a 409 idempotency_error.`,
      example: '534fee46-cbaa-4bb7-b5ae-cee5bae4679d',
      param: { id: 'IdempotencyKey' },
    }),
};

const responseHeaders = {
  requestId: z.string().meta({
    description: 'The identifier of this request; quote it when contacting support.',
    header: { id: 'RequestId' },
  }),
  version: z.string().meta({
    description: 'The API version the request was served at.',
    example: LATEST_VERSION,
    header: { id: 'OsmaApiVersion' },
  }),
  limit: z.string().optional().meta({
    description: 'Requests per second allowed on this endpoint for this organization and mode. On every answer of a rate-limited endpoint that reached the counter.',
    example: '20',
    header: { id: 'RateLimitLimit' },
  }),
  remaining: z.string().optional().meta({
    description: 'Requests left in the current one-second window. On every answer of a rate-limited endpoint that reached the counter.',
    example: '19',
    header: { id: 'RateLimitRemaining' },
  }),
  reset: z.string().optional().meta({
    description: 'Seconds until the current window resets. On every answer of a rate-limited endpoint that reached the counter.',
    example: '1',
    header: { id: 'RateLimitReset' },
  }),
  retryAfter: z.string().meta({
    description: 'Seconds to wait before retrying.',
    example: '1',
    header: { id: 'RetryAfter' },
  }),
  replayed: z.literal('true').optional().meta({
    description: 'Present on an answer replayed for an idempotency key.',
    header: { id: 'IdempotentReplayed' },
  }),
};

/**
 * The headers of a route's answers. Answers of the handler carry the request id and the
 * version; rate-limited routes add the rate-limit headers (absent only on the rare answer
 * that never reached the counter, such as a malformed version); idempotent routes may be
 * replays. API Gateway's own answers (no or unknown key, body too large) carry the request
 * id only.
 */
function answerHeaders(route: RouteDefinition, kind: 'handler' | 'gateway' | 'rateLimited' = 'handler') {
  if (kind === 'gateway') return z.object({ 'request-id': responseHeaders.requestId });
  const { rateLimited, idempotent } = guaranteesOf(route);
  return z.object({
    'request-id': responseHeaders.requestId,
    [VERSION_HEADER]: responseHeaders.version,
    ...(rateLimited && {
      [RATE_LIMIT_HEADERS.limit]: responseHeaders.limit,
      [RATE_LIMIT_HEADERS.remaining]: responseHeaders.remaining,
      [RATE_LIMIT_HEADERS.reset]: responseHeaders.reset,
    }),
    ...(kind === 'rateLimited' && { [RATE_LIMIT_HEADERS.retryAfter]: responseHeaders.retryAfter }),
    ...(idempotent && kind === 'handler' && { [REPLAYED_HEADER]: responseHeaders.replayed }),
  });
}

function badRequestReason(route: RouteDefinition): string {
  // A route that declares no query or body takes none, so every route can name unknown ones.
  const reasons = [
    'invalid or unknown parameters',
    route.request.body ? 'a body that is not a JSON object' : 'a body other than none or `{}`',
    `a malformed or too early ${VERSION_HEADER}`,
  ];
  const sentence = reasons.length > 1 ? `${reasons.slice(0, -1).join(', ')} or ${reasons.at(-1)}` : reasons[0]!;
  return `${sentence[0]!.toUpperCase()}${sentence.slice(1)}.`;
}

const ERROR_REASONS: Record<number, string> = {
  401: 'No API key, or an unknown one.',
  404: 'No such object in the organization and mode of the key.',
  409: 'A conflict with existing data.',
  413: 'The request body is over 10 MB.',
  500: "Something went wrong on Osma's end.",
};

/** Statuses that API Gateway answers before the handler runs. */
const GATEWAY_STATUSES = new Set([401, 413]);

function errorResponses(route: RouteDefinition): ZodOpenApiResponsesObject {
  const { rateLimited, idempotent } = guaranteesOf(route);
  const reasons = new Map<number, string[]>();
  const add = (status: number, reason: string | undefined) => {
    if (reason) reasons.set(status, [...(reasons.get(status) ?? []), reason]);
  };
  add(400, badRequestReason(route));
  if (idempotent) add(400, `An ${IDEMPOTENCY_HEADER} over ${MAX_KEY_LENGTH} characters, or reused with other parameters or another endpoint (idempotency_error).`);
  if (route.auth === 'apiKey') add(401, ERROR_REASONS[401]);
  for (const status of route.errors ?? []) add(status, ERROR_REASONS[status]);
  if (idempotent) add(409, `A request with the same ${IDEMPOTENCY_HEADER} is still running (idempotency_error).`);
  if (route.request.body) add(413, ERROR_REASONS[413]);
  add(500, ERROR_REASONS[500]);

  const responses: ZodOpenApiResponsesObject = {};
  for (const [status, why] of [...reasons].sort(([a], [b]) => a - b)) {
    responses[`${status}` as `4${string}`] = {
      description: why.join(' '),
      headers: answerHeaders(route, GATEWAY_STATUSES.has(status) ? 'gateway' : 'handler'),
      content: { 'application/json': { schema: errorBody } },
    };
  }
  if (rateLimited) {
    responses['429'] = {
      description: 'The rate limit of this endpoint for the organization and mode is exceeded.',
      headers: answerHeaders(route, 'rateLimited'),
      content: { 'application/json': { schema: rateLimitBody } },
    };
  }
  return responses;
}

export const publicDocumentSurface: DocumentSurface = {
  info: {
    title: 'Osma API',
    version: LATEST_VERSION,
    description:
      'Manage the members your organization serves, and the work done for them. Authenticate with the `osma-api-key` header: ' +
      'a `sk_test_` key works in test mode, a `sk_live_` key in live mode. Every endpoint is rate limited per organization and mode ' +
      '(by default 100 requests per second in live mode, 20 in test mode), every POST accepts an `idempotency-key`, and ' +
      `\`osma-api-version\` selects the API version. This document describes version ${LATEST_VERSION}.`,
  },
  servers: [{ url: 'https://api.osma.com' }],
  securitySchemes: {
    [SECURITY_SCHEME]: {
      type: 'apiKey',
      in: 'header',
      name: 'osma-api-key',
      description: 'A secret key: `sk_test_...` for test mode, `sk_live_...` for live mode.',
    },
  },
  security: (route) => (route.auth === 'apiKey' ? [{ [SECURITY_SCHEME]: [] }] : []),
  requestHeaders: (route) =>
    z.object({
      [VERSION_HEADER]: requestHeaders.version,
      ...(guaranteesOf(route).idempotent && { [IDEMPOTENCY_HEADER]: requestHeaders.idempotencyKey }),
    }),
  successHeaders: (route) => answerHeaders(route),
  errorResponses,
};

export function buildPublicDocument(routes: RouteDefinition[] = routeList) {
  return buildOpenApiDocument(publicDocumentSurface, routes);
}

/** The document as the two spec routes serve it. */
export const publicDocument = servedDocument(() => buildPublicDocument());
