/**
 * The retry schedule of webhook deliveries, as pure logic. A schedule is a list of delays in
 * seconds: entry n is the wait before attempt n (the first being the delay of the first
 * attempt), so `0,1,2,3` is four tries over six seconds. Each delay gets a little jitter so
 * that deliveries that failed together do not all come back at the same second.
 */

/** Immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: eight tries over about 27.6 hours. */
export const DEFAULT_RETRY_SCHEDULE: readonly number[] = [0, 5, 300, 1800, 7200, 18000, 36000, 36000];

/** SQS caps a message delay at 15 minutes: the first delay is a SendMessage DelaySeconds. */
export const MAX_FIRST_DELAY_SECONDS = 900;

/**
 * SQS caps a visibility timeout at 12 hours from the receive; a minute is kept back for the
 * time the sender has already spent on the message.
 */
export const MAX_RETRY_DELAY_SECONDS = 12 * 60 * 60 - 60;

/** Every try is one receive of the message; the queue parks a message after 16 (infra/queue.ts). */
export const MAX_ATTEMPTS = 12;

export const JITTER_RATIO = 0.1;

/** Parses `OSMA_WEBHOOK_RETRY_SCHEDULE`; an empty or absent value is the default schedule. */
export function parseRetrySchedule(text: string | undefined): number[] {
  if (text === undefined || text.trim() === '') return [...DEFAULT_RETRY_SCHEDULE];
  const parts = text.split(',').map((part) => part.trim());
  const delays = parts.map(Number);
  const problem = (message: string) =>
    new Error(`OSMA_WEBHOOK_RETRY_SCHEDULE must be comma-separated whole seconds: ${message} (got '${text}')`);
  if (parts.some((part) => !/^\d+$/.test(part))) throw problem('each entry a whole number of seconds');
  if (delays.length > MAX_ATTEMPTS) throw problem(`at most ${MAX_ATTEMPTS} entries`);
  if (delays[0]! > MAX_FIRST_DELAY_SECONDS) throw problem(`the first delay at most ${MAX_FIRST_DELAY_SECONDS}`);
  if (delays.some((delay) => delay > MAX_RETRY_DELAY_SECONDS)) throw problem(`each delay at most ${MAX_RETRY_DELAY_SECONDS}`);
  return delays;
}

/** The delay with ±JITTER_RATIO jitter, in whole seconds (SQS counts whole seconds). */
export function withJitter(seconds: number, random: () => number = Math.random): number {
  if (seconds <= 0) return 0;
  const factor = 1 + JITTER_RATIO * (2 * random() - 1);
  return Math.max(1, Math.round(seconds * factor));
}

/**
 * The wait before the next attempt after `attemptsMade` failed attempts, or null when the
 * schedule is exhausted. A receiver's `retry-after` that asks for longer than the schedule is
 * honoured (never shorter: the schedule is the floor), up to the SQS visibility limit.
 */
export function nextRetryDelay(options: {
  schedule: readonly number[];
  attemptsMade: number;
  retryAfterSeconds?: number;
  random?: () => number;
}): number | null {
  const { schedule, attemptsMade, retryAfterSeconds, random } = options;
  const planned = schedule[attemptsMade];
  if (planned === undefined) return null;
  const jittered = withJitter(planned, random);
  const delay = retryAfterSeconds !== undefined && retryAfterSeconds > jittered ? retryAfterSeconds : jittered;
  return Math.min(delay, MAX_RETRY_DELAY_SECONDS);
}

/**
 * A `retry-after` header in seconds: either delta-seconds or an HTTP date. Anything else,
 * or a date in the past, is ignored.
 */
export function parseRetryAfter(value: string | undefined | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  const seconds = Math.ceil((at - now) / 1000);
  return seconds > 0 ? seconds : undefined;
}
