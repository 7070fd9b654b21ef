/**
 * Every error the API answers with, in the spec's format: `type`, `code` where one applies,
 * `message`, `params` for parameter errors. Each error knows its HTTP status and its body;
 * handlers throw them and one middleware turns them into responses.
 */
export const ERROR_TYPES = ['api_error', 'invalid_request_error', 'idempotency_error', 'rate_limit_error'] as const;
export type ErrorType = (typeof ERROR_TYPES)[number];

export const ERROR_CODES = [
  'parameter_missing',
  'resource_not_found',
  'resource_already_exists',
  'task_template_not_found',
  'user_not_found',
  'user_not_permitted',
  'member_not_found',
  'invalid_status',
] as const;
export type PublicErrorCode = (typeof ERROR_CODES)[number];

/**
 * Codes only the management API answers with (its errors name a code for every failure, as
 * JSON:API errors do); the public API's document lists only ERROR_CODES.
 */
export const MANAGEMENT_ERROR_CODES = [
  'invalid_parameter',
  'not_authenticated',
  'invalid_credentials',
  'mfa_required',
  'session_ended',
  'refresh_token_invalid',
  'refresh_token_reused',
  'permission_denied',
  'too_many_attempts',
  'invalid_password',
  'invalid_totp_code',
  'invalid_state',
  'totp_already_enabled',
  'invalid_confirmation_code',
  'csrf_check_failed',
  'forbidden',
  'invalid_transition',
  'last_owner',
  'invitation_invalid',
  'step_up_required',
] as const;
export type ErrorCode = PublicErrorCode | (typeof MANAGEMENT_ERROR_CODES)[number];

export interface ParamError {
  param: string;
  message: string;
  /** Where the parameter was sent; the management API's errors point at it. */
  in?: 'path' | 'query' | 'body' | 'header';
}

export interface ErrorBody {
  type: ErrorType;
  code?: ErrorCode;
  message: string;
  params?: Pick<ParamError, 'param' | 'message'>[];
}

export class OsmaError extends Error {
  constructor(
    readonly status: number,
    readonly type: ErrorType,
    message: string,
    readonly code?: ErrorCode,
    readonly params?: ParamError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }

  toBody(): object {
    // Key order as the spec lists the attributes: type, code, message, params.
    const body: ErrorBody = { type: this.type, ...(this.code && { code: this.code }), message: this.message };
    if (this.params?.length) body.params = this.params.map(({ param, message }) => ({ param, message }));
    return body;
  }
}

export class InvalidRequestError extends OsmaError {
  constructor(status: number, message: string, code?: ErrorCode, params?: ParamError[], headers?: Record<string, string>) {
    super(status, 'invalid_request_error', message, code, params, headers);
  }
}

export class ApiError extends OsmaError {
  constructor(message = 'An internal error occurred. Retry later; if it persists, contact Osma support with the request-id.') {
    super(500, 'api_error', message);
  }
}

export class IdempotencyError extends OsmaError {
  constructor(status: number, message: string) {
    super(status, 'idempotency_error', message);
  }
}

/** The spec fixes this body to the letter, `status_code` included. */
export class RateLimitError extends OsmaError {
  constructor(headers: Record<string, string> = {}) {
    super(429, 'rate_limit_error', 'Rate limit exceeded', undefined, undefined, headers);
  }

  override toBody(): object {
    return { type: this.type, message: this.message, status_code: this.status };
  }
}

const INVALID_PARAMS = 'Invalid request parameter(s)';

/** The one place where errors are made, so a message or status is decided once. */
export const errors = {
  invalidParams: (params: ParamError[]) => new InvalidRequestError(400, INVALID_PARAMS, undefined, params),
  parameterMissing: (params: ParamError[]) =>
    new InvalidRequestError(400, 'Missing required parameter(s)', 'parameter_missing', params),
  malformedJson: () =>
    new InvalidRequestError(400, 'The request body is not valid JSON. Send a JSON object.'),
  bodyNotObject: () => new InvalidRequestError(400, 'The request body must be a JSON object.'),
  notFound: (resource: string, id: string) =>
    new InvalidRequestError(404, `No such ${resource}: '${id}'`, 'resource_not_found'),
  alreadyExists: (message: string, param: string, where?: ParamError['in']) =>
    new InvalidRequestError(409, message, 'resource_already_exists', [{ param, message, ...(where && { in: where }) }]),
  concurrentChange: () =>
    new InvalidRequestError(409, 'The object was changed by another request at the same time. Retry the request.'),
  /** A resource named in the body (not the URL) that does not exist in this mode: 400, naming the parameter. */
  referenceNotFound: (
    code: 'task_template_not_found' | 'member_not_found' | 'user_not_found' | 'resource_not_found',
    param: string,
    message: string,
  ) => new InvalidRequestError(400, message, code, [{ param, message }]),
  /** File ids in a task's data that are not files of this organization and mode, each named by its path. */
  fileReferencesNotFound: (params: ParamError[]) =>
    new InvalidRequestError(400, 'The data references files that do not exist in this mode.', 'resource_not_found', params),
  /** An object named in the body (not the URL) that has no code of its own in the spec. */
  bodyReferenceNotFound: (param: string, message: string) =>
    new InvalidRequestError(400, message, 'resource_not_found', [{ param, message }]),
  /** A template saved before the schema rules, whose schema they now refuse: its owner must update it. */
  templateSchemaUnsupported: (reference: string, version: number) => {
    const message = `Task template '${reference}' version ${version} has a parameters schema that is no longer supported; update the template.`;
    return new InvalidRequestError(400, message, undefined, [{ param: 'template', message }]);
  },
  userNotPermitted: (param: string, message: string) =>
    new InvalidRequestError(400, message, 'user_not_permitted', [{ param, message }]),
  invalidStatus: (message: string) => new InvalidRequestError(400, message, 'invalid_status'),
  missingApiKey: () =>
    new InvalidRequestError(401, 'No API key provided. Pass your API key in the osma-api-key header.'),
  invalidApiKey: () => new InvalidRequestError(401, 'Invalid API key provided.'),
  /** Management API: an object named in the body that the organization does not have: 404, pointing at the field. */
  notFoundAt: (message: string, param: string) =>
    new InvalidRequestError(404, message, 'resource_not_found', [{ param, message, in: 'body' }]),
  unknownRoute: () => new InvalidRequestError(404, 'Unrecognized request URL.', 'resource_not_found'),
  methodNotAllowed: (allowed: string[]) =>
    new InvalidRequestError(405, 'Method not allowed for this URL.', undefined, undefined, { allow: allowed.join(', ') }),
  bodyTooLarge: () => new InvalidRequestError(413, 'The request body is too large.'),
  /** What the local gateway answers for bytes Node's HTTP parser refuses (API Gateway's front door answers these in AWS). */
  malformedHttp: () =>
    new InvalidRequestError(400, 'The request is not valid HTTP: check its method, its path (percent-encode anything but ASCII) and its headers.'),
  headersTooLarge: () => new InvalidRequestError(431, 'The request headers are too large.'),
  requestTimeout: () => new InvalidRequestError(408, 'The request did not arrive in time.'),
  /** An object that would outgrow what the store holds of one object, naming the fields that make it large. */
  objectTooLarge: (kind: string, size: number, limit: number, params: ParamError[]) =>
    new InvalidRequestError(
      400,
      `The ${kind} would take ${size} bytes, more than the ${limit} bytes one ${kind} can take. Make ${params.map((p) => p.param).join(', ')} smaller.`,
      undefined,
      params,
    ),
  /** Management API: no session, or one that is not (or no longer) valid. */
  notAuthenticated: () => new InvalidRequestError(401, 'Sign in: this call needs a valid access token.', 'not_authenticated'),
  /** The same answer for an unknown username and a wrong password, so neither can be told apart. */
  invalidCredentials: () => new InvalidRequestError(401, 'The username or password is not right.', 'invalid_credentials'),
  mfaRequired: () => new InvalidRequestError(401, 'This login needs a TOTP code: send totp-code.', 'mfa_required'),
  refreshTokenInvalid: () =>
    new InvalidRequestError(401, 'The refresh token is not valid or has expired. Sign in again.', 'refresh_token_invalid'),
  refreshTokenReused: () =>
    new InvalidRequestError(401, 'The refresh token was already used, so its session has been ended. Sign in again.', 'refresh_token_reused'),
  permissionDenied: (detail: string) => new InvalidRequestError(403, detail, 'permission_denied'),
  /** A signed-in person whose roles do not allow the call (the management API's role checks). */
  forbidden: (detail: string) => new InvalidRequestError(403, detail, 'forbidden'),
  /** A lifecycle move that the user's state does not allow (docs/people.md has the table). */
  invalidTransition: (detail: string) => new InvalidRequestError(409, detail, 'invalid_transition'),
  /** A change that would leave an organization without an active owner. */
  lastOwner: () =>
    new InvalidRequestError(409, 'The organization must keep at least one active owner: make someone else an owner first.', 'last_owner'),
  /** An invitation token that is wrong, used, revoked or expired: one answer for all. */
  invitationInvalid: () => {
    const message = 'This invitation is not valid: it was already accepted, revoked or has expired. Ask for a new one.';
    return new InvalidRequestError(400, message, 'invitation_invalid', [{ param: 'token', message, in: 'body' }]);
  },
  /** A signed-in person confirming a change with a password that is not theirs: 403, the session itself is fine. */
  invalidPassword: (param: string) =>
    new InvalidRequestError(403, 'The password is not right.', 'invalid_password', [{ param, message: 'The password is not right.', in: 'body' }]),
  /**
   * A change that needs the caller to prove again who they are (creating or rolling a live API
   * key) and came without a password or TOTP code: 403, the session itself is fine.
   */
  stepUpRequired: (detail: string) => new InvalidRequestError(403, detail, 'step_up_required'),
  /** A step-up with a TOTP code that is not right (wrong, malformed or already used): 403, the session itself is fine. */
  stepUpTotpRefused: (param: string) => {
    const message = 'The TOTP code is not right, or was already used: send the code your app shows now.';
    return new InvalidRequestError(403, message, 'invalid_totp_code', [{ param, message, in: 'body' }]);
  },
  /** A sign-in whose password was right and whose TOTP code is not (wrong, malformed or already used). */
  invalidTotpCode: () => {
    const message = 'The TOTP code is not right, or was already used: send the code your app shows now.';
    return new InvalidRequestError(401, message, 'invalid_totp_code', [{ param: 'totp-code', message, in: 'body' }]);
  },
  /** Enabling TOTP with codes that are not two consecutive codes of the configuration's secret. */
  invalidTotpCodes: () => {
    const message = 'codes must be two consecutive codes of this configuration, the earlier first, the later one current.';
    return new InvalidRequestError(400, message, 'invalid_totp_code', [{ param: 'codes', message, in: 'body' }]);
  },
  /** A change that the resource's state does not allow now (enabling what is enabled, deleting what is enabled). */
  invalidState: (detail: string) => new InvalidRequestError(409, detail, 'invalid_state'),
  totpAlreadyEnabled: () =>
    new InvalidRequestError(409, 'Another TOTP configuration of this login is enabled: disable it first.', 'totp_already_enabled'),
  /**
   * A password-reset code that is wrong, expired, used or burnt, or a username with no code:
   * one answer for all, so it tells nothing of whether the email has a login.
   */
  invalidConfirmationCode: () => {
    const message = 'The confirmation code is not right, has expired or was already used. Ask for a new one.';
    return new InvalidRequestError(400, message, 'invalid_confirmation_code', [{ param: 'confirmation-code', message, in: 'body' }]);
  },
  /** A browser's state-changing call with the session cookie that may have been forged by another site. */
  csrfCheckFailed: () =>
    new InvalidRequestError(
      403,
      'A call signed in by cookie must come from the dashboard\'s own origin and send the x-csrf-token header with the value of the osma_csrf cookie.',
      'csrf_check_failed',
    ),
  /** Too many failed attempts; `retryAfter` in seconds. */
  tooManyAttempts: (retryAfter: number) =>
    new InvalidRequestError(429, `Too many attempts. Try again in ${retryAfter} seconds.`, 'too_many_attempts', undefined, {
      'retry-after': String(retryAfter),
    }),
  /**
   * The same error with its parameters named as another surface's request sent them (the
   * management API's pointers for the names the public API's domain gives).
   */
  relocated: (error: OsmaError, params: ParamError[]) =>
    new OsmaError(error.status, error.type, error.message, error.code, params, error.headers),
  internal: () => new ApiError(),
  rateLimited: (headers?: Record<string, string>) => new RateLimitError(headers),
  idempotencyMismatch: () =>
    new IdempotencyError(
      400,
      'Keys for idempotent requests can only be used with the same parameters they were first used with.',
    ),
  idempotencyOtherEndpoint: () =>
    new IdempotencyError(
      400,
      'This idempotency key was first used with another endpoint. Keys for idempotent requests can only be used with the same endpoint and parameters.',
    ),
  idempotencyKeyInvalid: (maxLength: number) =>
    new IdempotencyError(400, `The idempotency-key header must be between 1 and ${maxLength} characters long.`),
  idempotencyInFlight: () =>
    new IdempotencyError(409, 'A request with this idempotency key is still being processed. Retry later.'),
};
