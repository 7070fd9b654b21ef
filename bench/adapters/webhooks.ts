import { benchStack } from '#bench/support/environment';
import type { WebhookBenchAdapter } from '#bench/webhooks';
import { EVENT_TYPES, type EventType } from '#shared/api/webhooks/outbox';
import { createWebhookEndpointBody } from '#shared/api/webhooks/schemas';
import { createEndpoint } from '#shared/api/webhooks/endpoint';

/**
 * The webhook section's hook into the real pipeline: `start` starts the bench stack's pollers
 * (the stream poller feeds the router, the queue poller feeds one sender; they stop with the
 * stack), and `subscribe` makes an endpoint through the same domain call the API uses.
 */
export const webhookBench: WebhookBenchAdapter = {
  describe: 'outbox item → DynamoDB Local stream poller → router → SQS (fauxqs) → queue poller → 1 sender',
  async start() {
    await (await benchStack()).startWebhookPipeline();
    return { stop: async () => undefined };
  },
  async subscribe(scope, url, events) {
    const known = events.filter((event): event is EventType => (EVENT_TYPES as readonly string[]).includes(event));
    const endpoint = await createEndpoint(scope, createWebhookEndpointBody.parse({ url, events: known }));
    return { secret: endpoint.secret };
  },
};
