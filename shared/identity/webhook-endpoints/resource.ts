import * as z from 'zod';
import {
  createWebhookEndpointBody,
  updateWebhookEndpointBody,
  webhookEndpoint,
  webhookEndpointWithSecret,
  type WebhookEndpoint,
  type WebhookEndpointWithSecret,
} from '#shared/api/webhooks/schemas';
import { modeAttribute, resourceAttributes, toResource, type ResourceShape } from '#shared/identity/scoped-resources';
import type { Mode } from '#shared/platform/table';

/**
 * The management API's `webhook-endpoints`: the public API's webhook endpoint, its fields
 * kebab-cased, `live_mode` given as `mode`. The bodies are the public API's own schemas, so
 * every rule of a field (lengths, event names, metadata) is the public API's.
 */
export const WEBHOOK_ENDPOINT_TYPE = 'webhook-endpoints';

const endpointShape: ResourceShape = { type: WEBHOOK_ENDPOINT_TYPE, schema: webhookEndpoint };
const endpointWithSecretShape: ResourceShape = { type: WEBHOOK_ENDPOINT_TYPE, schema: webhookEndpointWithSecret };

export const webhookEndpointAttributes = resourceAttributes(endpointShape);
export const webhookEndpointWithSecretAttributes = resourceAttributes(endpointWithSecretShape);

/** A create names its mode; the rest is the public API's create body. */
export const webhookEndpointCreate = z.strictObject({ mode: modeAttribute, ...createWebhookEndpointBody.shape });

/** The public API's update body: url, events, description, metadata, status. */
export const webhookEndpointPatch = updateWebhookEndpointBody;

export function webhookEndpointResource(mode: Mode, endpoint: WebhookEndpoint) {
  return toResource(endpointShape, mode, endpoint);
}

/** The only answers that carry the signing secret: a create's and a rotation's. */
export function webhookEndpointWithSecretResource(mode: Mode, endpoint: WebhookEndpointWithSecret) {
  return toResource(endpointWithSecretShape, mode, endpoint);
}
