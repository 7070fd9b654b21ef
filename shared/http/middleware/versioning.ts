import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { RouteDefinition } from '#shared/http/route';
import { requestHeader, requestState } from '#shared/http/middleware/request-state';
import type { VersionRegistry } from '#shared/http/versioning';

type Middleware = MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult>;

/**
 * Versioning, in two parts because they sit on either side of idempotency:
 *
 * - `versionSelection` (outside): chooses the version from the `osma-api-version` header or
 *   the organization's default, answers 400 for a malformed or too early date, and makes
 *   every answer to the request carry the version used, errors and 429s included.
 * - `versionChanges` (inside, so that what idempotency stores is what the client got):
 *   brings a request body of an older version up to the newest shape before the handler
 *   reads it, and brings the answer back down to the requested version's shape.
 */
export function versionSelection(
  registry: VersionRegistry,
  defaultOf: (event: APIGatewayProxyEvent) => string | undefined,
): Middleware {
  const { header, resolveVersion } = registry;
  return {
    before: ({ event }) => {
      const state = requestState(event);
      const organizationDefault = defaultOf(event);
      // Whatever happens next, the answer names a version: the default one if the header is bad.
      state.headers[header] = resolveVersion(undefined, organizationDefault);
      state.version = resolveVersion(requestHeader(event, header), organizationDefault);
      state.headers[header] = state.version;
    },
  };
}

export function versionChanges(route: RouteDefinition, registry: VersionRegistry): Middleware {
  const { header: VERSION_HEADER, latest, changesSince, upgradeRequest, downgradeResponse } = registry;
  const versionOf = (event: APIGatewayProxyEvent) => requestState(event).version ?? latest;
  const shapeAnswer = ({ event, response }: { event: APIGatewayProxyEvent; response: APIGatewayProxyResult | null | undefined }) => {
    if (!response) return;
    const version = versionOf(event);
    response.headers = { ...response.headers, [VERSION_HEADER]: version };
    if (changesSince(version, route.operationId).length === 0) return;
    const body = parseJson(response.body);
    if (body === undefined) return;
    response.body = JSON.stringify(downgradeResponse(version, route.operationId, response.statusCode, body));
  };
  return {
    before: ({ event }) => {
      const version = versionOf(event);
      if (changesSince(version, route.operationId).length === 0) return;
      const raw = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
      const body = parseJson(raw);
      // Anything but a JSON object is left for the handler to refuse in its own words.
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
      event.body = JSON.stringify(upgradeRequest(version, route.operationId, body as Record<string, unknown>));
      event.isBase64Encoded = false;
    },
    after: shapeAnswer,
    onError: shapeAnswer,
  };
}

function parseJson(text: string | null | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
