import * as z from 'zod';
import { EVENT_TYPES } from '#shared/api/webhooks/outbox';
import { metadataInput, metadataOutput, timestampSchema } from '#shared/api/schemas';
import { MAX_URL_LENGTH } from '#shared/api/webhooks/url-policy';

export const WEBHOOK_ENDPOINT_STATUSES = ['enabled', 'disabled', 'deleted'] as const;
export type WebhookEndpointStatus = (typeof WEBHOOK_ENDPOINT_STATUSES)[number];

/** Why an endpoint is disabled: by the consumer, by a 410 Gone, or by failing deliveries. */
export const DISABLED_REASONS = ['requested', 'endpoint_gone', 'failing'] as const;
export type DisabledReason = (typeof DISABLED_REASONS)[number];

const eventType = z.enum(EVENT_TYPES);

export const webhookEndpoint = z
  .object({
    id: z.string().meta({ example: 'we_2BU1ecNdKXgRfRxPSjFDXfmv0tV' }),
    url: z.string().meta({ example: 'https://example.com/osma/webhooks' }),
    events: z.array(eventType),
    description: z.string().nullable(),
    status: z.enum(WEBHOOK_ENDPOINT_STATUSES),
    disabled_reason: z.enum(DISABLED_REASONS).nullable().meta({
      description:
        'Why the endpoint is disabled: `requested` (by an update), `endpoint_gone` (it answered 410) or `failing` ' +
        '(its last deliveries all failed). Null while enabled.',
    }),
    live_mode: z.boolean(),
    metadata: metadataOutput,
    created_at: timestampSchema,
    updated_at: timestampSchema,
    previous_secret_expires_at: timestampSchema.nullable().meta({
      description: 'Until when the secret replaced by the last rotation still signs deliveries (alongside the new one).',
    }),
  })
  .meta({ id: 'WebhookEndpoint', description: 'Extension: where events are POSTed, and which ones.' });

export type WebhookEndpoint = z.infer<typeof webhookEndpoint>;

export const webhookEndpointWithSecret = webhookEndpoint
  .extend({
    secret: z.string().meta({
      description: 'The signing secret, `whsec_` + base64 of 32 bytes. Shown only on create and on rotation.',
      example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw/0f6Ul0iBlU=',
    }),
  })
  .meta({ id: 'WebhookEndpointWithSecret' });

export type WebhookEndpointWithSecret = z.infer<typeof webhookEndpointWithSecret>;

const events = z
  .array(eventType)
  .min(1, { error: 'events must name at least one event' })
  .transform((list) => [...new Set(list)])
  .meta({ description: 'The events to receive: any of tasks.created, tasks.updated, tasks.completed, tasks.deleted.' });

const endpointFields = {
  url: z.string().max(MAX_URL_LENGTH).meta({
    description: 'Where to POST events: https, to a public address (the local stack also allows http to loopback).',
  }),
  events,
  description: z.string().max(500).nullable().optional(),
  metadata: metadataInput.optional(),
};

export const createWebhookEndpointBody = z.strictObject(endpointFields).meta({ id: 'CreateWebhookEndpointRequest' });

export const updateWebhookEndpointBody = z
  .strictObject({
    url: endpointFields.url.optional(),
    events: events.optional(),
    description: endpointFields.description,
    metadata: metadataInput.nullable().optional(),
    status: z.enum(['enabled', 'disabled']).optional().meta({
      description: 'Disable an endpoint, or enable it again (also after Osma disabled it).',
    }),
  })
  .meta({ id: 'UpdateWebhookEndpointRequest' });

export type CreateWebhookEndpointInput = z.infer<typeof createWebhookEndpointBody>;
export type UpdateWebhookEndpointInput = z.infer<typeof updateWebhookEndpointBody>;

export const webhookEvent = z
  .object({
    id: z.string().meta({ example: 'evt_2BU1ecNdKXgRfRxPSjFDXfmv0tV' }),
    event: eventType,
    created_at: timestampSchema,
    data: z.record(z.string(), z.unknown()).meta({ description: 'The resource as it was after the change, e.g. a task.' }),
  })
  .meta({ id: 'Event', description: 'A webhook event: what the spec calls the Webhook Event Attributes.' });

export type WebhookEvent = z.infer<typeof webhookEvent>;

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export const FAILURE_REASONS = [
  'retries_exhausted',
  'endpoint_gone',
  'endpoint_disabled',
  'endpoint_deleted',
  'endpoint_unsubscribed',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export type FailureReason = (typeof FAILURE_REASONS)[number];

export const deliveryAttempt = z.object({
  attempted_at: timestampSchema,
  resend: z.number().int().meta({ description: '0 for the automatic delivery, n for the n-th resend.' }),
  status_code: z.number().int().nullable().meta({ description: "The receiver's HTTP status, null when none came." }),
  latency_ms: z.number().int(),
  error: z.string().nullable().meta({ description: 'Why the attempt failed when no status says it (timeout, connection refused...).' }),
});

export type DeliveryAttempt = z.infer<typeof deliveryAttempt>;

export const webhookDelivery = z
  .object({
    event: z.string(),
    endpoint: z.string(),
    url: z.string().meta({ description: 'The URL of the last attempt.' }),
    status: z.enum(DELIVERY_STATUSES),
    failure_reason: z.enum(FAILURE_REASONS).nullable(),
    resends: z.number().int(),
    attempts: z.array(deliveryAttempt),
    next_attempt_at: timestampSchema.nullable(),
    created_at: timestampSchema,
    updated_at: timestampSchema,
  })
  .meta({ id: 'WebhookDelivery', description: 'Extension: the delivery of one event to one endpoint, with every attempt.' });

export type WebhookDelivery = z.infer<typeof webhookDelivery>;

export const resendBody = z
  .strictObject({ endpoint: z.string().meta({ description: 'The webhook endpoint to send the event to again.' }) })
  .meta({ id: 'ResendEventRequest' });
