import * as z from 'zod';
import type { ZodOpenApiResponsesObject } from 'zod-openapi';
import { identityRouteList } from '#shared/identity/routes';
import { errorDocument } from '#shared/http/jsonapi';
import { buildOpenApiDocument, servedDocument, type DocumentSurface } from '#shared/http/openapi';
import type { RouteDefinition } from '#shared/http/route';

export const BEARER_SCHEME = 'session';

const requestId = z.string().meta({ description: 'The identifier of this request; quote it when contacting support.', header: { id: 'RequestId' } });

const REASONS: Record<number, string> = {
  400: 'Invalid or unknown parameters, each named in an error with its source.',
  401: 'No access token, or one whose session ended.',
  403: 'Your role does not allow it.',
  404: 'No such resource in your organization.',
  409: 'A conflict with existing data.',
  429: 'Too many attempts; retry after the retry-after header.',
  500: "Something went wrong on Osma's end.",
};

function errorResponses(route: RouteDefinition): ZodOpenApiResponsesObject {
  const statuses = new Set([400, ...(route.auth === 'session' ? [401] : []), ...(route.errors ?? []), 500]);
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
  securitySchemes: { [BEARER_SCHEME]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
  security: (route) => (route.auth === 'session' ? [{ [BEARER_SCHEME]: [] }] : []),
  requestHeaders: () => undefined,
  successHeaders: () => z.object({ 'request-id': requestId }),
  errorResponses,
};

export function buildManagementDocument(routes: RouteDefinition[] = identityRouteList) {
  return buildOpenApiDocument(managementDocumentSurface, routes);
}

export const managementDocument = servedDocument(() => buildManagementDocument());
