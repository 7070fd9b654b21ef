import path from 'node:path';
import { PROJECT_ROOT } from '#infra/platform/bundling';
import { SECTION_IDS, type SectionId } from '#bench/support/report';

/**
 * What to run and how long. Flags win over the environment:
 *
 *   --quick                 OSMA_BENCH_QUICK=1     fewer iterations, no 100k scaling step (minutes, not ten)
 *   --smoke                 OSMA_BENCH_SMOKE=1     tiny: checks that everything runs; its figures mean nothing
 *   --sections a,b          OSMA_BENCH_SECTIONS    only these sections (cold-start, warm-overhead, capacity,
 *                                                  http-load, webhooks, scaling, people)
 *   --routes op1,op2        OSMA_BENCH_ROUTES      only these routes (operationIds, e.g. getMember) in the
 *                                                  per-route sections
 *   --out dir               OSMA_BENCH_OUT         where the JSON goes (default bench/results)
 */
export type BenchMode = 'full' | 'quick' | 'smoke';

export interface BenchOptions {
  mode: BenchMode;
  sections: SectionId[];
  sectionFilter: string[] | null;
  routeFilter: string[] | null;
  outDir: string;
}

export interface BenchPlan {
  coldStart: { runs: number; bundledSdk: boolean };
  warm: { warmup: number; iterations: number };
  http: { seconds: number; concurrency: number[]; warmupRequests: number };
  webhooks: { events: number; failShare: number; timeoutSeconds: number };
  scaling: { sizes: number[]; iterations: number; limiterOrganizations: number[]; limiterCalls: number };
  people: { size: number; iterations: number };
}

export const PLANS: Record<BenchMode, BenchPlan> = {
  full: {
    coldStart: { runs: 20, bundledSdk: true },
    warm: { warmup: 40, iterations: 300 },
    http: { seconds: 10, concurrency: [1, 10, 50], warmupRequests: 20 },
    webhooks: { events: 300, failShare: 0.2, timeoutSeconds: 600 },
    scaling: { sizes: [1_000, 10_000, 100_000], iterations: 200, limiterOrganizations: [1, 100, 1_000], limiterCalls: 3_000 },
    people: { size: 10_000, iterations: 30 },
  },
  quick: {
    coldStart: { runs: 7, bundledSdk: true },
    warm: { warmup: 20, iterations: 100 },
    http: { seconds: 3, concurrency: [1, 10, 50], warmupRequests: 10 },
    webhooks: { events: 100, failShare: 0.2, timeoutSeconds: 300 },
    scaling: { sizes: [1_000, 10_000], iterations: 60, limiterOrganizations: [1, 100], limiterCalls: 1_000 },
    people: { size: 10_000, iterations: 10 },
  },
  smoke: {
    coldStart: { runs: 2, bundledSdk: false },
    warm: { warmup: 2, iterations: 8 },
    http: { seconds: 1, concurrency: [2], warmupRequests: 3 },
    webhooks: { events: 10, failShare: 0.2, timeoutSeconds: 120 },
    scaling: { sizes: [100, 300], iterations: 5, limiterOrganizations: [1, 5], limiterCalls: 50 },
    people: { size: 200, iterations: 2 },
  },
};

const list = (value: string | undefined) =>
  value
    ? value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean)
    : null;

const truthy = (value: string | undefined) => value !== undefined && value !== '' && value !== '0' && value !== 'false';

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`Unknown argument: ${arg}`);
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (['quick', 'smoke'].includes(name)) flags.set(name, true);
    else if (['sections', 'routes', 'out'].includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new Error(`--${name} needs a value`);
      flags.set(name, value);
    } else throw new Error(`Unknown flag: --${name} (see bench/support/options.ts)`);
  }
  const flag = (name: string) => {
    const value = flags.get(name);
    return typeof value === 'string' ? value : undefined;
  };
  const mode: BenchMode =
    flags.has('smoke') || truthy(env.OSMA_BENCH_SMOKE) ? 'smoke' : flags.has('quick') || truthy(env.OSMA_BENCH_QUICK) ? 'quick' : 'full';
  const sectionFilter = list(flag('sections') ?? env.OSMA_BENCH_SECTIONS);
  for (const name of sectionFilter ?? []) {
    if (!(SECTION_IDS as readonly string[]).includes(name)) throw new Error(`Unknown section ${name}; known: ${SECTION_IDS.join(', ')}`);
  }
  return {
    mode,
    sections: SECTION_IDS.filter((id) => !sectionFilter || sectionFilter.includes(id)),
    sectionFilter,
    routeFilter: list(flag('routes') ?? env.OSMA_BENCH_ROUTES),
    outDir: path.resolve(PROJECT_ROOT, flag('out') ?? env.OSMA_BENCH_OUT ?? 'bench/results'),
  };
}
