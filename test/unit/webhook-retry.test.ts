import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_SCHEDULE,
  MAX_RETRY_DELAY_SECONDS,
  nextRetryDelay,
  parseRetryAfter,
  parseRetrySchedule,
  withJitter,
} from '#shared/api/webhooks/retry';

describe('the retry schedule setting', () => {
  it('defaults to immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h', () => {
    expect(parseRetrySchedule(undefined)).toEqual([0, 5, 300, 1800, 7200, 18000, 36000, 36000]);
    expect(parseRetrySchedule(' ')).toEqual([...DEFAULT_RETRY_SCHEDULE]);
  });

  it('reads comma-separated seconds, the first being the delay of the first attempt', () => {
    expect(parseRetrySchedule('0,1,2,3')).toEqual([0, 1, 2, 3]);
    expect(parseRetrySchedule(' 0, 1 ,1')).toEqual([0, 1, 1]);
  });

  it('refuses what SQS could not honour, or no number at all', () => {
    for (const text of ['a,b', '1,-2', '1.5', '0,,1', '901,1', `0,${12 * 3600}`, Array(13).fill('1').join(',')]) {
      expect(() => parseRetrySchedule(text), text).toThrow(/OSMA_WEBHOOK_RETRY_SCHEDULE/);
    }
  });
});

describe('the delay before the next attempt', () => {
  const schedule = [0, 5, 300, 1800];

  it('is schedule[n] after n attempts, with at most 10% jitter, and null once the schedule is done', () => {
    // Act
    const low = [1, 2, 3].map((attemptsMade) => nextRetryDelay({ schedule, attemptsMade, random: () => 0 }));
    const high = [1, 2, 3].map((attemptsMade) => nextRetryDelay({ schedule, attemptsMade, random: () => 1 }));
    const exact = [1, 2, 3].map((attemptsMade) => nextRetryDelay({ schedule, attemptsMade, random: () => 0.5 }));

    // Assess
    expect(exact).toEqual([5, 300, 1800]);
    expect(low).toEqual([5 * 0.9, 270, 1620].map(Math.round));
    expect(high).toEqual([6, 330, 1980]);
    expect(nextRetryDelay({ schedule, attemptsMade: 4 })).toBeNull();
  });

  it('spreads over the jitter band', () => {
    const delays = Array.from({ length: 200 }, () => withJitter(1000));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(900);
    expect(Math.max(...delays)).toBeLessThanOrEqual(1100);
    expect(new Set(delays).size).toBeGreaterThan(20);
    expect(withJitter(0)).toBe(0);
    expect(withJitter(1, () => 0)).toBe(1);
  });

  it('honours a longer retry-after, never a shorter one, and never past the SQS visibility limit', () => {
    const random = () => 0.5;
    expect(nextRetryDelay({ schedule, attemptsMade: 1, retryAfterSeconds: 60, random })).toBe(60);
    expect(nextRetryDelay({ schedule, attemptsMade: 2, retryAfterSeconds: 60, random })).toBe(300);
    expect(nextRetryDelay({ schedule, attemptsMade: 1, retryAfterSeconds: 86_400, random })).toBe(MAX_RETRY_DELAY_SECONDS);
    expect(nextRetryDelay({ schedule, attemptsMade: 4, retryAfterSeconds: 60, random })).toBeNull();
  });
});

describe('retry-after', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');

  it('reads seconds and HTTP dates, and ignores anything else', () => {
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Wed, 01 May 2024 12:01:30 GMT', now)).toBe(90);
    expect(parseRetryAfter('Wed, 01 May 2024 11:00:00 GMT', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
