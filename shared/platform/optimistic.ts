import { errors } from '#shared/platform/errors';

/**
 * Optimistic concurrency: a change is read, applied and written back on the condition that
 * the item's version did not move. A lost race throws ConcurrentChange and is retried on
 * fresh data after a short, jittered pause; an item under constant contention gets a 409.
 */
export class ConcurrentChange extends Error {}

export async function withRetries<T>(attempt: () => Promise<T>, tries = 10): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConcurrentChange)) throw error;
      if (i >= tries) throw errors.concurrentChange();
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * i));
    }
  }
}
