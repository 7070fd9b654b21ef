import * as z from 'zod';
import type { ZodOpenApiResponsesObject } from 'zod-openapi';
import { identityRouteList, identityRoutes } from '#shared/identity/routes';
import { CLIENT_HEADER, CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE } from '#shared/http/cookie-session';
import { errorDocument } from '#shared/http/jsonapi';
import { buildOpenApiDocument, servedDocument, type DocumentSurface } from '#shared/http/openapi';
import type { RouteDefinition } from '#shared/http/route';

export const BEARER_SCHEME = 'session';
/** The same session, held by a browser in an HttpOnly cookie (docs/management-api.md, "Browsers"). */
export const COOKIE_SCHEME = 'browserSession';

const requestId = z.string().meta({ description: 'The identifier of this request; quote it when contacting support.', header: { id: 'RequestId' } });

const REASONS: Record<number, string> = {
  400: 'Invalid or unknown parameters, each named in an error with its source.',
  401: 'No access token, or one whose session ended.',
  403: 'Your role does not allow it, or a call signed in by cookie failed the CSRF check (`csrf_check_failed`).',
  404: 'No such resource in your organization.',
  409: 'A conflict with existing data.',
  429: 'Too many attempts; retry after the retry-after header.',
  500: "Something went wrong on Osma's end.",
};

function errorResponses(route: RouteDefinition): ZodOpenApiResponsesObject {
  const statuses = new Set([
    400,
    ...(route.auth === 'session' ? [401] : []),
    // The origin's CSRF check refuses a state-changing call that rides on the session cookie.
    ...(route.method !== 'GET' ? [403] : []),
    // A route that names a permission refuses a caller whose roles do not hold it.
    ...(route.auth === 'session' && route.permission !== undefined && route.permission !== 'self' ? [403] : []),
    ...(route.errors ?? []),
    500,
  ]);
  const responses: ZodOpenApiResponsesObject = {};
  for (const status of [...statuses].sort((a, b) => a - b)) {
    responses[`${status}` as `4${string}`] = {
      description: REASONS[status] ?? 'An error.',
      headers: z.object({ 'request-id': requestId }),
      content: { 'application/json': { schema: errorDocument } },
    };
  }
  return responses;
}

/** The routes whose answers set or clear a browser's session cookies. */
const COOKIE_ROUTES: string[] = [
  identityRoutes.logIn.operationId,
  identityRoutes.acceptInvitation.operationId,
  identityRoutes.refreshToken.operationId,
  identityRoutes.endSession.operationId,
];

function requestHeaders(route: RouteDefinition): z.ZodObject | undefined {
  const sign = route === identityRoutes.logIn || route === identityRoutes.acceptInvitation || route === identityRoutes.refreshToken;
  const changes = route.method !== 'GET';
  if (!sign && !changes) return undefined;
  return z.object({
    ...(sign && {
      [CLIENT_HEADER]: z.enum(['browser']).optional().meta({ description: 'Answer with HttpOnly cookies instead of tokens in the body.' }),
    }),
    ...(changes && {
      [CSRF_HEADER]: z.string().optional().meta({ description: `The value of the ${CSRF_COOKIE} cookie; required when the call is signed in by cookie.` }),
    }),
  });
}

/** The management API's OpenAPI document: JSON:API bodies, a bearer access token, JSON:API errors. */
export const managementDocumentSurface: DocumentSurface = {
  info: {
    title: 'Osma management API',
    version: '1',
    description:
      'What the Osma dashboard calls: the people of an organization sign in here and manage it. JSON:API bodies with kebab-case attributes; ' +
      'errors as `{"errors": [{"status", "code", "detail", "source"}]}`. Authenticate with `Authorization: Bearer <access-token>` ' +
      'from `POST /v1/login/`.',
  },
  securitySchemes: {
    [BEARER_SCHEME]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
    [COOKIE_SCHEME]: {
      type: 'apiKey',
      in: 'cookie',
      name: SESSION_COOKIE,
      description: `For the dashboard in a browser: set by \`POST /v1/login/\` with \`${CLIENT_HEADER}: browser\`; calls other than GET also send \`${CSRF_HEADER}\`.`,
    },
  },
  // Either one: a script's bearer token, or a browser's cookie.
  security: (route) => (route.auth === 'session' ? [BEARER_SCHEME, COOKIE_SCHEME].map((scheme) => ({ [scheme]: [] })) : []),
  requestHeaders,
  successHeaders: (route) =>
    z.object({
      'request-id': requestId,
      ...(COOKIE_ROUTES.includes(route.operationId) && {
        'set-cookie': z.string().optional().meta({ description: "A browser's session cookies, set or cleared (one header per cookie)." }),
      }),
    }),
  errorResponses,
};

export function buildManagementDocument(routes: RouteDefinition[] = identityRouteList) {
  return buildOpenApiDocument(managementDocumentSurface, routes);
}

export const managementDocument = servedDocument(() => buildManagementDocument());
