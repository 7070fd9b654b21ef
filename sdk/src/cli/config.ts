import type { Connection } from './http.ts';

export const DEFAULT_API_BASE = 'http://localhost:3000';

/** A usage error: the CLI prints its message and exits 2, before calling anything. */
export class UsageError extends Error {}

export interface GlobalOptions {
  apiKey?: string;
  apiBase?: string;
  live?: boolean;
}

/**
 * The key and base URL from the options or the environment. Live mode must be asked for:
 * a live key without `--live` is refused, so that a copied command never changes real data.
 */
export function connectionFrom(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Connection {
  const apiKey = options.apiKey ?? env.OSMA_API_KEY;
  const apiBase = options.apiBase ?? env.OSMA_API_BASE ?? DEFAULT_API_BASE;
  if (!apiKey) throw new UsageError('No API key: pass --api-key sk_test_... or set OSMA_API_KEY.');
  if (apiKey.startsWith('sk_live_') && !options.live) {
    throw new UsageError('Refusing a live-mode key (sk_live_...): osma works in test mode unless you pass --live.');
  }
  try {
    new URL(apiBase);
  } catch {
    throw new UsageError(`--api-base is not a URL: ${apiBase}`);
  }
  return { apiKey, apiBase };
}

/** `-d name=value` (a string), `-d count:=3` (JSON), or one whole JSON object `-d '{...}'`. */
export function bodyFrom(data: readonly string[]): Record<string, unknown> | undefined {
  if (!data.length) return undefined;
  const body: Record<string, unknown> = Object.create(null);
  for (const item of data) {
    if (item.trimStart().startsWith('{')) {
      Object.assign(body, parseJson(item, item));
      continue;
    }
    const json = item.indexOf(':=');
    const equals = item.indexOf('=');
    if (equals <= 0) throw new UsageError(`-d takes name=value, name:=json or a JSON object, not: ${item}`);
    if (json > 0 && json < equals) body[item.slice(0, json)] = parseJson(item.slice(json + 2), item);
    else body[item.slice(0, equals)] = item.slice(equals + 1);
  }
  return { ...body };
}

function parseJson(text: string, item: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`-d ${item}: not valid JSON`);
  }
}

/** `90` or `90s`, `10m`, `2h`, `1d` as milliseconds. */
export function durationMs(text: string): number {
  const match = /^(\d+)(s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new UsageError(`Not a duration (30s, 10m, 2h, 1d): ${text}`);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(match[2] ?? 's') as 's'];
  return Number(match[1]) * unit;
}
