import { webhookDelivery, webhookEvent, type WebhookDelivery, type WebhookEvent } from '#shared/api/webhooks/schemas';
import { resourceAttributes, toResource, type ResourceShape } from '#shared/identity/scoped-resources';
import type { Mode } from '#shared/platform/table';

/**
 * The management API's `events` and `webhook-deliveries`: the public API's event and delivery,
 * fields kebab-cased, with `mode`. An event's `data` is the object exactly as webhooks POST
 * it (snake_case, as the receiver gets it), not renamed.
 */
export const EVENT_TYPE = 'events';
export const DELIVERY_TYPE = 'webhook-deliveries';

const eventShape: ResourceShape = { type: EVENT_TYPE, schema: webhookEvent };
const deliveryShape: ResourceShape = { type: DELIVERY_TYPE, schema: webhookDelivery };

export const eventAttributes = resourceAttributes(eventShape);
export const deliveryAttributes = resourceAttributes(deliveryShape);

export function eventResource(mode: Mode, event: WebhookEvent) {
  return toResource(eventShape, mode, event);
}

/** A delivery is one event's to one endpoint: its id names both, `<event id>:<endpoint id>`. */
export function deliveryResource(mode: Mode, delivery: WebhookDelivery) {
  return toResource(deliveryShape, mode, { id: `${delivery.event}:${delivery.endpoint}`, ...delivery });
}
