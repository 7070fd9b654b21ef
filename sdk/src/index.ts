export { Osma, DEFAULT_API_BASE, type OsmaOptions, type RequestOptions, type Page, type PagePromise, type Answer, type Query, type RequestBody, type Schemas } from './client.ts';
export { OsmaError, OsmaInvalidRequestError, OsmaIdempotencyError, OsmaRateLimitError, OsmaApiError, OsmaConnectionError, type OsmaErrorParam } from './errors.ts';
export type { paths, operations, components } from './schema.d.ts';
export { constructEvent, signPayload, generateWebhookSecret, OsmaSignatureVerificationError, SIGNATURE_HEADER, type WebhookEvent } from './webhooks.ts';
