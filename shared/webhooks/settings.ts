import { stage } from '#shared/config';
import { parseRetrySchedule } from '#shared/webhooks/retry';
import type { UrlPolicy } from '#shared/webhooks/url-policy';

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
  const text = process.env.OSMA_WEBHOOK_RETRY_SCHEDULE;
  if (!cachedSchedule || cachedSchedule.text !== text) cachedSchedule = { text, schedule: parseRetrySchedule(text) };
  return cachedSchedule.schedule;
}

/**
 * OSMA_WEBHOOK_DISABLE_AFTER_FAILED_DELIVERIES (default 5): an endpoint whose last this many
 * deliveries all failed, every one after its whole retry schedule and with no success in
 * between, is disabled.
 */
export function disableAfterFailedDeliveries(): number {
  const value = Number(process.env.OSMA_WEBHOOK_DISABLE_AFTER_FAILED_DELIVERIES ?? 5);
  if (!Number.isInteger(value) || value < 1) throw new Error('OSMA_WEBHOOK_DISABLE_AFTER_FAILED_DELIVERIES must be a whole number >= 1');
  return value;
}

/**
 * OSMA_WEBHOOK_ALLOW_LOOPBACK=true lets webhook URLs use http and https to loopback
 * addresses. Honoured only when OSMA_STAGE is `local` (the local stack sets both), so a
 * deployed function cannot be configured into it.
 */
export function urlPolicy(): UrlPolicy {
  return { allowLoopback: stage() === 'local' && process.env.OSMA_WEBHOOK_ALLOW_LOOPBACK === 'true' };
}

export function webhookQueueUrl(): string {
  const url = process.env.OSMA_WEBHOOK_QUEUE_URL;
  if (!url) throw new Error('OSMA_WEBHOOK_QUEUE_URL is not set');
  return url;
}

/**
 * OSMA_WEBHOOK_SENDER_FAULT=crash-mid-batch makes the sender crash once, in the first batch
 * of two or more messages, right after one POST answered and before it is recorded: the
 * fault the at-least-once test needs. Honoured only when OSMA_STAGE is `local`.
 */
export function senderFault(): 'crash-mid-batch' | undefined {
  return stage() === 'local' && process.env.OSMA_WEBHOOK_SENDER_FAULT === 'crash-mid-batch' ? 'crash-mid-batch' : undefined;
}
