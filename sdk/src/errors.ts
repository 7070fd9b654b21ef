/** One parameter an error names, as the API reports it. */
export interface OsmaErrorParam {
  param: string;
  message: string;
}

export interface OsmaErrorDetails {
  message: string;
  type?: string;
  code?: string;
  params?: OsmaErrorParam[];
  status?: number;
  requestId?: string;
}

/** The base of every error the SDK throws. */
export class OsmaError extends Error {
  readonly type: string | undefined;
  readonly code: string | undefined;
  readonly params: OsmaErrorParam[];
  readonly status: number | undefined;
  readonly requestId: string | undefined;

  constructor(details: OsmaErrorDetails) {
    super(details.message);
    this.name = new.target.name;
    this.type = details.type;
    this.code = details.code;
    this.params = details.params ?? [];
    this.status = details.status;
    this.requestId = details.requestId;
  }
}

/** `invalid_request_error`: a bad parameter, an unknown object, a refused key (400, 401, 404, 409). */
export class OsmaInvalidRequestError extends OsmaError {}
/** `idempotency_error`: a key reused with other parameters (400), or still in flight after the retries (409). */
export class OsmaIdempotencyError extends OsmaError {}
/** `rate_limit_error`: still rate limited after the retries (429). */
export class OsmaRateLimitError extends OsmaError {}
/** `api_error`: something went wrong on Osma's end (5xx), or an answer the SDK cannot read. */
export class OsmaApiError extends OsmaError {}
/** The API could not be reached (refused, reset, timed out) after the retries. */
export class OsmaConnectionError extends OsmaError {
  constructor(message: string, override readonly cause?: unknown) {
    super({ message });
  }
}

// A Map, so that a hostile `type` such as `__proto__` finds nothing instead of Object's prototype.
const CLASSES = new Map<string, new (details: OsmaErrorDetails) => OsmaError>([
  ['invalid_request_error', OsmaInvalidRequestError],
  ['idempotency_error', OsmaIdempotencyError],
  ['rate_limit_error', OsmaRateLimitError],
  ['api_error', OsmaApiError],
]);

/** The error class for an error answer, chosen by the body's `type` (API error when unknown). */
export function errorFromAnswer(status: number, requestId: string | undefined, body: unknown): OsmaError {
  const error = (typeof body === 'object' && body !== null ? body : {}) as Partial<OsmaErrorDetails>;
  const type = typeof error.type === 'string' ? error.type : undefined;
  const Class = (type && CLASSES.get(type)) || OsmaApiError;
  return new Class({
    message: typeof error.message === 'string' ? error.message : `The API answered ${status}`,
    type: type ?? 'api_error',
    ...(typeof error.code === 'string' && { code: error.code }),
    ...(Array.isArray(error.params) && { params: error.params }),
    status,
    ...(requestId && { requestId }),
  });
}
