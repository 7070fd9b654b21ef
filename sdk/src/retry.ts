import { OsmaConnectionError } from './errors.ts';

export interface RetryPolicy {
  maxRetries: number;
  /** The first backoff's ceiling, in milliseconds. */
  baseDelayMs: number;
  /** No backoff (and no `retry-after`) waits longer than this, in milliseconds. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 2, baseDelayMs: 500, maxDelayMs: 8_000 };

/**
 * Capped exponential backoff with full jitter: a random wait between 0 and
 * min(cap, base * 2^attempt). A `retry-after` (seconds) is honoured as a floor, so a
 * rate-limited call never comes back before the window it was told about has passed.
 */
export function retryDelay(policy: RetryPolicy, attempt: number, retryAfter?: string | null): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  const jittered = Math.random() * ceiling;
  const seconds = retryAfter == null ? NaN : Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(policy.maxDelayMs, seconds * 1000 + jittered / 4);
  return jittered;
}

/** Whether an answer is worth the same request again: 409 in flight, 429, or 5xx. */
async function retryable(response: Response): Promise<boolean> {
  if (response.status === 429 || response.status >= 500) return true;
  if (response.status !== 409) return false;
  // Only the idempotency 409 (the first request with this key is still running) resolves itself.
  const body = await response.clone().json().catch(() => undefined) as { type?: unknown } | undefined;
  return body?.type === 'idempotency_error';
}

/**
 * A fetch that sends the same request (same headers, so the same idempotency-key) again after a
 * network failure or a retryable answer, up to `maxRetries` times; the last answer is returned
 * as it is, and a network failure that outlives the retries becomes an OsmaConnectionError.
 */
export function retryingFetch(policy: RetryPolicy, base: typeof fetch = globalThis.fetch): (request: Request) => Promise<Response> {
  return async (request) => {
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await base(request.clone());
      } catch (cause) {
        if (attempt >= policy.maxRetries) {
          throw new OsmaConnectionError(`Could not reach the Osma API at ${new URL(request.url).origin} (${request.method} ${new URL(request.url).pathname}): ${(cause as Error)?.message ?? cause}`, cause);
        }
        await sleep(retryDelay(policy, attempt));
        continue;
      }
      if (attempt >= policy.maxRetries || !(await retryable(response))) return response;
      await response.body?.cancel();
      await sleep(retryDelay(policy, attempt, response.headers.get('retry-after')));
    }
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
