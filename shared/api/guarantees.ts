import { idempotencyKeys, rateLimitKeys } from '#shared/http/middleware/keys';
import type { RouteDefinition } from '#shared/http/route';

/**
 * The API's cross-cutting promises, derived from a route's definition so that a route gets
 * them by being in the table. The surface (which middlewares wrap a route), the OpenAPI document
 * and the CDK grants all read this.
 */
export interface RouteGuarantees {
  /** Counted against the organization's per-second limit for this route and mode. */
  rateLimited: boolean;
  /** Honours the `idempotency-key` header: every POST, as the spec says. */
  idempotent: boolean;
  /** Served at the `osma-api-version` the request asks for (every route). */
  versioned: true;
}

export function guaranteesOf(route: RouteDefinition): RouteGuarantees {
  return {
    // The limit is per organization, so only routes that know the organization are limited;
    // routes without a key are left to API Gateway's stage throttling.
    rateLimited: route.auth === 'apiKey',
    idempotent: route.method === 'POST' && route.auth === 'apiKey',
    versioned: true,
  };
}

/**
 * What a route's function must be allowed to do to the table beyond its own `tableAccess`:
 * the guarantees write their own items (a per-second counter for every rate-limited route,
 * even read-only ones; idempotency records for every idempotent one). The infrastructure
 * grants these actions only on items whose partition key has such a record's shape
 * (`dynamodb:LeadingKeys`), so a read route can count its requests and change nothing else.
 */
export function guaranteeTableAccess(route: RouteDefinition): { actions: string[]; leadingKeys: string[] } {
  const { rateLimited, idempotent } = guaranteesOf(route);
  const items = [...(rateLimited ? [rateLimitKeys] : []), ...(idempotent ? [idempotencyKeys] : [])];
  return {
    actions: [...new Set(items.flatMap((keys) => keys.actions))],
    leadingKeys: items.map((keys) => keys.leadingKeyPattern),
  };
}
