import type { RouteDefinition } from '#shared/http/route';
import type { OsmaError } from '#shared/platform/errors';

/**
 * A plane as the infrastructure and the local gateway see it: its route list, the REQUEST
 * authorizer in front of its authenticated routes, API Gateway's own answers in the plane's
 * error format, and what its guarantees need of the table. The CDK API construct
 * (`infra/http/rest-api.ts`) and the local gateway (`local/gateway.ts`) take one, so a second
 * plane is a second description, not a second construct. SDK-free: the CDK reads it.
 */
export interface PlaneDescription {
  /** Names the plane's API, functions and logs. */
  name: string;
  title: string;
  /** The path its routes sit under (`/v1` for the management API, empty for the public API). */
  basePath: string;
  routes: RouteDefinition[];
  authorizer: {
    /** The authorizer's module under functions/, without extension. */
    handler: string;
    /** The request header it reads; API Gateway's identity source and cache key. */
    header: string;
    /** How long API Gateway keeps its answer for one header value: the bound on a revocation. */
    cacheSeconds: number;
    /** What the authorizer may write beyond reading the table (an API key's last use), held to these items' key shapes. */
    tableWrites?: { actions: string[]; leadingKeys: string[] };
  };
  /**
   * Browsers may hold the session in cookies at the plane's origin: before a request reaches the
   * API, the origin (CloudFront in AWS, the local gateway here) checks a state-changing one
   * against CSRF and turns the session cookie into the authorizer's header
   * (`shared/http/cookie-session.ts`).
   */
  cookieSessions?: boolean;
  /** API Gateway's own answers, by gateway response type. */
  gatewayResponses: Record<string, OsmaError>;
  /** An error's body in the plane's format (API Gateway's own answers and the local gateway's). */
  errorBody(error: OsmaError): object;
  /** The body of API Gateway's other 4xx answers, as a mapping template. */
  default4xxTemplate: string;
  /** The body of a 405 for a known path with another method. */
  methodNotAllowedBody: string;
  /** What a route's function must be allowed to do to the table beyond its own access. */
  guaranteeTableAccess(route: RouteDefinition): { actions: string[]; leadingKeys: string[] };
}
