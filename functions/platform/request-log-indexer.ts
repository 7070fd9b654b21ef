import { decodeSubscriptionPayload, indexSubscriptionPayload, type CloudWatchLogsEvent, type SubscriptionPayload } from '#shared/identity/request-logs/index';
import { logger } from '#shared/platform/logger';

/**
 * The request log indexer: CloudWatch Logs hands it the public API's request lines (a
 * subscription filter on each route function's log group) and it writes them as request log
 * items (shared/identity/request-logs/index.ts). A payload it cannot decode is logged and
 * dropped: sent again it would fail again. A write that fails throws, so that Lambda tries the
 * batch again; items are written whole under their request's key, so a second write changes
 * nothing.
 */
export async function handler(event: CloudWatchLogsEvent): Promise<{ indexed: number; ignored: number }> {
  let payload: SubscriptionPayload;
  try {
    payload = decodeSubscriptionPayload(event?.awslogs?.data);
  } catch (error) {
    logger.error('request log payload refused', { error: error as Error });
    return { indexed: 0, ignored: 0 };
  }
  const result = await indexSubscriptionPayload(payload);
  logger.debug('request logs indexed', result);
  return result;
}
