import type { Console } from 'node:console';
import { encodeSubscriptionPayload, type LogEvent } from '#shared/identity/request-logs/index';
import { logger } from '#shared/platform/logger';

/**
 * Plays the CloudWatch Logs subscriptions for the local stack: every line the handlers print
 * (whether it then goes to the log file or the terminal) is seen here as it is printed; the
 * request lines are gathered for `intervalMs` and handed to the request log indexer
 * (functions/platform/request-log-indexer.ts) in the payload CloudWatch Logs sends, gzipped and
 * base64-encoded, as the deployed subscription does. So a request's log can be read about
 * `intervalMs` plus one BatchWriteItem after its answer.
 *
 * The lines are taken at the logger's own console (the one Powertools prints through, which
 * local/log-file.ts may have pointed at a file before the stack starts). As in AWS, a log level
 * above INFO prints no request line, and then nothing is indexed.
 */
export interface RequestLogFeed {
  /** Indexes what is gathered now (the tests' and the stop's way to wait for it). */
  flush: () => Promise<void>;
  /** Stops watching the lines, and indexes what was gathered. */
  stop: () => Promise<void>;
}

/** The cheap test before a line is kept: the indexer looks at the rest. */
const REQUEST_LINE = '"message":"request"';

export function startRequestLogFeed(options: { intervalMs?: number } = {}): RequestLogFeed {
  const output = (logger as unknown as { console: Console }).console;
  const print = output.info;
  let gathered: LogEvent[] = [];
  let sent: Promise<void> = Promise.resolve();
  let count = 0;

  output.info = function (this: Console, ...args: unknown[]) {
    print.apply(this, args as Parameters<Console['info']>);
    const line = args[0];
    if (typeof line === 'string' && line.includes(REQUEST_LINE)) gathered.push({ id: String(++count), timestamp: Date.now(), message: line });
  };

  const flush = () => {
    if (gathered.length === 0) return sent;
    const logEvents = gathered;
    gathered = [];
    // One payload at a time, in order, as a log stream's deliveries are.
    sent = sent.then(() => deliver(logEvents));
    return sent;
  };
  const timer = setInterval(() => void flush(), options.intervalMs ?? 100);
  timer.unref();

  return {
    flush,
    stop: async () => {
      clearInterval(timer);
      output.info = print;
      await flush();
    },
  };
}

async function deliver(logEvents: LogEvent[]): Promise<void> {
  try {
    const { handler } = await import('#functions/platform/request-log-indexer');
    const data = encodeSubscriptionPayload({
      messageType: 'DATA_MESSAGE',
      owner: 'local',
      logGroup: 'local/osma-api',
      logStream: 'local',
      subscriptionFilters: ['request-logs'],
      logEvents,
    });
    await handler({ awslogs: { data } });
  } catch (error) {
    // The requests were answered; only their logs are lost, as when a deployed batch fails for good.
    logger.warn('request logs not indexed', { lines: logEvents.length, error: error as Error });
  }
}
