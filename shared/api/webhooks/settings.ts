import { integerSetting, isLocalStack, optionalSetting, requiredSetting } from '#shared/platform/config';
import { parseRetrySchedule } from '#shared/api/webhooks/retry';
import type { UrlPolicy } from '#shared/api/webhooks/url-policy';

/**
 * Webhook settings, read from the environment with the same names in Lambda and locally
 * (docs/local-stack.md lists them).
 */

/** How long a receiver has to answer one POST. */
export const DELIVERY_TIMEOUT_MS = 15_000;

/** How long a rotated-away secret keeps signing deliveries. */
export const PREVIOUS_SECRET_VALIDITY_SECONDS = 24 * 60 * 60;

/** Receives of one message before the queue parks it in the dead-letter queue (infra/queue.ts, local/messaging.ts). */
export const WEBHOOK_MAX_RECEIVE_COUNT = 16;

/**
 * Times the router's event source retries a failing stream batch before it gives the batch
 * up to the dead-letter queue (infra/webhooks.ts; the local stream poller does the same).
 */
export const ROUTER_RETRY_ATTEMPTS = 10;

/** Deliveries kept, like events, 30 days. */
export const DELIVERY_RETENTION_SECONDS = 30 * 24 * 60 * 60;

let cachedSchedule: { text: string | undefined; schedule: number[] } | undefined;

/** OSMA_WEBHOOK_RETRY_SCHEDULE: comma-separated seconds; default 0,5,300,1800,7200,18000,36000,36000. */
export function retrySchedule(): number[] {
  const text = optionalSetting('OSMA_WEBHOOK_RETRY_SCHEDULE');
  if (!cachedSchedule || cachedSchedule.text !== text) cachedSchedule = { text, schedule: parseRetrySchedule(text) };
  return cachedSchedule.schedule;
}

/**
 * OSMA_WEBHOOK_DISABLE_AFTER_FAILED_DELIVERIES (default 5): an endpoint whose last this many
 * deliveries all failed, every one after its whole retry schedule and with no success in
 * between, is disabled.
 */
export function disableAfterFailedDeliveries(): number {
  return integerSetting('OSMA_WEBHOOK_DISABLE_AFTER_FAILED_DELIVERIES', { fallback: 5 });
}

/**
 * OSMA_WEBHOOK_ALLOW_LOOPBACK=true lets webhook URLs use http and https to loopback
 * addresses. Honoured only in the local stack's process (the local stack sets it), so a
 * deployed function cannot be configured into it.
 */
export function urlPolicy(): UrlPolicy {
  return { allowLoopback: isLocalStack() && optionalSetting('OSMA_WEBHOOK_ALLOW_LOOPBACK') === 'true' };
}

export function webhookQueueUrl(): string {
  return requiredSetting('OSMA_WEBHOOK_QUEUE_URL');
}
