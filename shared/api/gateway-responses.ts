import { errors, type OsmaError } from '#shared/platform/errors';

/**
 * The answers API Gateway gives before a handler runs, in the spec's error format. The CDK
 * stack turns each into a gateway response; the local gateway answers with the same bodies.
 * ACCESS_DENIED is what a Deny from the authorizer (an unknown key) produces: 401, not 403.
 */
export const GATEWAY_RESPONSES = {
  UNAUTHORIZED: errors.missingApiKey(),
  ACCESS_DENIED: errors.invalidApiKey(),
  MISSING_AUTHENTICATION_TOKEN: errors.unknownRoute(),
  THROTTLED: errors.rateLimited(),
  REQUEST_TOO_LARGE: errors.bodyTooLarge(),
  DEFAULT_5XX: errors.internal(),
} satisfies Record<string, OsmaError>;

export type GatewayResponseType = keyof typeof GATEWAY_RESPONSES;

/** API Gateway's own 4xx messages (a bad stage, a malformed request), kept in our shape. */
export const DEFAULT_4XX_TEMPLATE = '{"type":"invalid_request_error","message":$context.error.messageString}';

/** The body a 405 answers with; in AWS a mock integration on the resource's ANY method gives it. */
export const METHOD_NOT_ALLOWED_BODY = JSON.stringify(errors.methodNotAllowed([]).toBody());
