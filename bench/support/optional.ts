import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '#infra/platform/bundling';
import type { Scope } from '#shared/platform/table';

/**
 * Parts of the platform that land on other branches, found by stable names. A section that
 * needs one runs when it is there and otherwise reports "not measured: <reason>"; nothing is
 * ever stubbed. The names are the contract (README › Benchmarks › Extending):
 *
 * - rate limiter: `shared/middleware/rate-limit.ts` exporting
 *   `takeRequest(scope, operationId, limit, now?) => Promise<{ allowed, limit, remaining, reset }>`
 *   (the one DynamoDB call the limiter makes per request);
 * - idempotency: `shared/middleware/idempotency.ts` (requests with an `idempotency-key` header);
 * - webhooks: `bench/adapters/webhooks.ts` exporting `webhookBench: WebhookBenchAdapter`
 *   (bench/webhooks.ts describes it): how to subscribe a receiver and run the pipeline locally.
 */
export interface RateLimiterModule {
  takeRequest(scope: Scope, operationId: string, limit: number, now?: number): Promise<{ allowed: boolean; limit: number; remaining: number; reset: number }>;
}

export type Found<T> = { module: T; reason?: undefined } | { module?: undefined; reason: string };

const exists = (relative: string) => existsSync(path.join(PROJECT_ROOT, relative));

async function load(specifier: string): Promise<Record<string, unknown>> {
  // A computed specifier: the module may not exist on this branch, and the type checker must not insist.
  const name: string = specifier;
  return (await import(name)) as Record<string, unknown>;
}

export const RATE_LIMITER_FILE = 'shared/middleware/rate-limit.ts';
export const IDEMPOTENCY_FILE = 'shared/middleware/idempotency.ts';
export const WEBHOOK_ADAPTER_FILE = 'bench/adapters/webhooks.ts';

export async function rateLimiter(): Promise<Found<RateLimiterModule>> {
  if (!exists(RATE_LIMITER_FILE)) return { reason: `no rate limiter on this branch (${RATE_LIMITER_FILE} is absent)` };
  const module = await load('#shared/http/middleware/rate-limit');
  if (typeof module.takeRequest !== 'function') {
    return { reason: `${RATE_LIMITER_FILE} does not export takeRequest(scope, operationId, limit, now?)` };
  }
  return { module: module as unknown as RateLimiterModule };
}

export function idempotencyPresent(): boolean {
  return exists(IDEMPOTENCY_FILE);
}

/** Handler files that look like the webhook pipeline, to say what the adapter would wrap. */
export function webhookCode(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    const full = path.join(PROJECT_ROOT, dir);
    if (!existsSync(full)) return;
    for (const entry of readdirSync(full, { withFileTypes: true })) {
      const relative = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(relative);
      else if (/webhook|sender|router/i.test(relative)) found.push(relative);
    }
  };
  walk('functions');
  return found;
}

export async function webhookAdapter<T>(): Promise<Found<T>> {
  if (!exists(WEBHOOK_ADAPTER_FILE)) {
    const code = webhookCode();
    return {
      reason: code.length
        ? `webhook code exists (${code.join(', ')}) but no ${WEBHOOK_ADAPTER_FILE} tells the bench how to drive it`
        : `no webhook sender on this branch (no functions/**/webhook*; the section runs once ${WEBHOOK_ADAPTER_FILE} exists)`,
    };
  }
  const module = await load('#bench/adapters/webhooks');
  if (!module.webhookBench) return { reason: `${WEBHOOK_ADAPTER_FILE} does not export webhookBench` };
  return { module: module.webhookBench as T };
}
