import { loadForDelivery, recordDelivery, type DeliveryChange, type DeliveryPosition } from '#shared/api/webhooks/delivery';
import { fromItem as eventFromItem } from '#shared/api/webhooks/event';
import { logger } from '#shared/platform/logger';
import type { Scope } from '#shared/platform/table';
import { timestamp } from '#shared/platform/time';
import { countFailedDelivery, disableEndpoint, listensTo, resetFailedDeliveries, signingSecrets } from '#shared/api/webhooks/endpoint';
import type { DeliveryMessage } from '#shared/api/webhooks/fan-out';
import { postWebhook } from '#shared/api/webhooks/post';
import { nextRetryDelay, parseRetryAfter } from '#shared/api/webhooks/retry';
import type { FailureReason } from '#shared/api/webhooks/schemas';
import { DELIVERY_TIMEOUT_MS, disableAfterFailedDeliveries, retrySchedule, urlPolicy } from '#shared/api/webhooks/settings';
import { signatureHeaders } from '#shared/api/webhooks/signing';

/**
 * The sender's work for one queue message: one attempt to deliver one event to one endpoint.
 *
 * The delivery item, not the message, says where the delivery stands (its series, how many
 * attempts were made, when the next is due), so a duplicate, early or stale message changes
 * nothing: it is dropped, or put back to sleep until the attempt is due. The outcome is
 * written conditionally on what was read, and only then acted on.
 *
 * Returns `done` (the message can go) or `retry` with the seconds until the next attempt
 * (the message's visibility timeout).
 */
export type Outcome = { kind: 'done' } | { kind: 'retry'; delaySeconds: number };

const DONE: Outcome = { kind: 'done' };

/** A message this far from its due time is early: it goes back to sleep. */
const EARLY_SLACK_MS = 1_000;

/** Points where a caller may watch a delivery: after its POST answered, before it is recorded. */
export interface DeliveryHooks {
  afterPost?: () => void;
}

export async function deliver(message: DeliveryMessage, hooks: DeliveryHooks = {}): Promise<Outcome> {
  const scope: Scope = { organizationId: message.organization_id, mode: message.mode };
  const context = { event_id: message.event, endpoint_id: message.endpoint, resend: message.resend };
  const { event, endpoint, delivery } = await loadForDelivery(scope, message.event, message.endpoint);
  if (!event) {
    logger.warn('delivery dropped: the event no longer exists', context);
    return DONE;
  }
  if (delivery) {
    if (delivery.resends !== message.resend || delivery.status !== 'pending') return DONE;
    const due = delivery.next_attempt_at ? Date.parse(delivery.next_attempt_at) : 0;
    if (due - Date.now() > EARLY_SLACK_MS) return { kind: 'retry', delaySeconds: Math.ceil((due - Date.now()) / 1000) };
  } else if (message.resend !== 0) {
    return DONE;
  }
  const position: DeliveryPosition = delivery
    ? { exists: true, resends: delivery.resends, seriesAttempts: delivery.series_attempts }
    : { exists: false, resends: 0, seriesAttempts: 0 };

  const dropReason: FailureReason | undefined = !endpoint
    ? 'endpoint_deleted'
    : endpoint.status !== 'enabled'
      ? 'endpoint_disabled'
      : !listensTo(endpoint, event.event)
        ? 'endpoint_unsubscribed'
        : undefined;
  if (dropReason !== undefined || !endpoint) {
    // A disabled, deleted or no longer listening endpoint gets nothing; the delivery says why.
    await recordDelivery(scope, event, message.endpoint, position, {
      status: 'failed',
      failure_reason: dropReason ?? 'endpoint_deleted',
      next_attempt_at: null,
      url: endpoint?.url ?? delivery?.url ?? '',
    });
    logger.info('delivery dropped', { ...context, failure_reason: dropReason });
    return DONE;
  }

  const body = JSON.stringify(eventFromItem(event));
  const attemptedAt = new Date();
  const headers = signatureHeaders({
    id: event.id,
    timestamp: Math.floor(attemptedAt.getTime() / 1000),
    body,
    secrets: signingSecrets(endpoint, attemptedAt.getTime()),
  });
  const result = await postWebhook(endpoint.url, body, headers, { timeoutMs: DELIVERY_TIMEOUT_MS, policy: urlPolicy() });
  hooks.afterPost?.();

  const attempt = {
    attempted_at: timestamp(attemptedAt),
    resend: message.resend,
    status_code: result.statusCode,
    latency_ms: result.latencyMs,
    error: result.error,
  };
  const succeeded = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
  const gone = result.statusCode === 410;
  const delay =
    succeeded || gone
      ? null
      : nextRetryDelay({
          schedule: retrySchedule(),
          attemptsMade: position.seriesAttempts + 1,
          retryAfterSeconds: parseRetryAfter(result.retryAfter),
        });
  const change: DeliveryChange = succeeded
    ? { status: 'succeeded', failure_reason: null, next_attempt_at: null, url: endpoint.url, attempt }
    : gone
      ? { status: 'failed', failure_reason: 'endpoint_gone', next_attempt_at: null, url: endpoint.url, attempt }
      : delay === null
        ? { status: 'failed', failure_reason: 'retries_exhausted', next_attempt_at: null, url: endpoint.url, attempt }
        : {
            status: 'pending',
            failure_reason: null,
            next_attempt_at: timestamp(new Date(Date.now() + delay * 1000)),
            url: endpoint.url,
            attempt,
          };
  const recorded = await recordDelivery(scope, event, endpoint.id, position, change);
  logger.info('delivery attempt', {
    ...context,
    attempt: position.seriesAttempts + 1,
    status_code: result.statusCode,
    latency_ms: result.latencyMs,
    error: result.error ?? undefined,
    outcome: change.status,
    next_attempt_in_s: delay ?? undefined,
    recorded,
  });
  if (!recorded) return DONE;

  if (gone) {
    if (await disableEndpoint(scope, endpoint.id, 'endpoint_gone')) logger.warn('endpoint disabled: it answered 410 Gone', context);
  } else if (change.failure_reason === 'retries_exhausted') {
    if (await countFailedDelivery(scope, endpoint.id, disableAfterFailedDeliveries())) {
      logger.warn('endpoint disabled: its deliveries keep failing', context);
    }
  } else if (succeeded && endpoint.consecutive_failed_deliveries > 0) {
    await resetFailedDeliveries(scope, endpoint.id);
  }
  return delay === null ? DONE : { kind: 'retry', delaySeconds: delay };
}
