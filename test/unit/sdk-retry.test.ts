import { describe, expect, it } from 'vitest';
import { errorFromAnswer, OsmaApiError, OsmaIdempotencyError, OsmaInvalidRequestError, OsmaRateLimitError } from '../../sdk/src/errors.ts';
import { retryDelay } from '../../sdk/src/retry.ts';

const policy = { maxRetries: 2, baseDelayMs: 500, maxDelayMs: 8_000 };

describe("the SDK's backoff", () => {
  it('is full jitter under a doubling ceiling that never passes the cap', () => {
    for (let attempt = 0; attempt < 8; attempt++) {
      const delays = Array.from({ length: 200 }, () => retryDelay(policy, attempt));
      const ceiling = Math.min(8_000, 500 * 2 ** attempt);
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...delays)).toBeLessThan(ceiling);
      // Full jitter: the waits spread over the whole range, not bunched at its top.
      expect(Math.min(...delays)).toBeLessThan(ceiling / 4);
    }
  });

  it('waits at least retry-after, within the cap, and ignores a retry-after it cannot read', () => {
    for (let i = 0; i < 100; i++) {
      const delay = retryDelay(policy, 0, '2');
      expect(delay).toBeGreaterThanOrEqual(2_000);
      expect(delay).toBeLessThan(2_000 + 500 / 4);
    }
    expect(retryDelay(policy, 0, '3600')).toBe(8_000);
    expect(retryDelay(policy, 0, 'soon')).toBeLessThan(500);
  });
});

describe("the SDK's error classes", () => {
  it('follow the answer type, with its code, params, status and request id', () => {
    const invalid = errorFromAnswer(400, 'req_1', { type: 'invalid_request_error', code: 'parameter_missing', message: 'Missing', params: [{ param: 'name', message: 'Required' }] });
    expect(invalid).toBeInstanceOf(OsmaInvalidRequestError);
    expect(invalid).toMatchObject({ status: 400, requestId: 'req_1', code: 'parameter_missing', message: 'Missing', params: [{ param: 'name', message: 'Required' }] });
    expect(errorFromAnswer(409, undefined, { type: 'idempotency_error', message: 'In flight' })).toBeInstanceOf(OsmaIdempotencyError);
    expect(errorFromAnswer(429, undefined, { type: 'rate_limit_error', message: 'Slow down', status_code: 429 })).toBeInstanceOf(OsmaRateLimitError);
    expect(errorFromAnswer(500, undefined, { type: 'api_error', message: 'Oops' })).toBeInstanceOf(OsmaApiError);
    // An answer that is not the API's error shape (a proxy's HTML page, no body) is an API error.
    const unreadable = errorFromAnswer(502, undefined, '<html>Bad gateway</html>');
    expect(unreadable).toBeInstanceOf(OsmaApiError);
    expect(unreadable).toMatchObject({ status: 502, type: 'api_error', params: [] });
    expect(errorFromAnswer(400, undefined, { type: '__proto__', message: 'odd' })).toBeInstanceOf(OsmaApiError);
  });
});
