import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { bundlesAwsSdk, FUNCTION_NODE_OPTIONS, functionEsbuildOptions, PROJECT_ROOT } from '#infra/platform/bundling';
import { log, WORK_DIR } from '#bench/support/environment';
import type { Row } from '#bench/support/report';
import type { Section } from '#bench/support/section';
import { median, percentile, ratio, round, shuffled } from '#bench/support/stats';

/**
 * Cold start, per function: each function is bundled exactly as it deploys (the options of
 * infra/bundling.ts, which infra/osma-function.ts hands to NodejsFunction), and a fresh
 * `node` process loads the bundle until its `handler` export is ready, many times; the
 * median is compared with a bare handler that only creates a DynamoDB document client,
 * bundled the same way and measured in the same rounds (in shuffled order, so that other
 * work on the machine falls on every subject alike).
 *
 * Two variants: `@aws-sdk/*` external (the Node.js 22 runtime provides the SDK; here it
 * loads from node_modules), and bundled into the function. Each function's row is measured
 * as it deploys (external, but bundled for the file functions: infra/bundling.ts
 * `bundlesAwsSdk`); the other variant answers whether the other choice would start faster.
 */
export const SIZE_BUDGET_BYTES = 300 * 1024;
export const LOAD_BUDGET_RATIO = 1.5;

interface Subject {
  name: string;
  entry: string;
  /** How it deploys. */
  deployed: Variant;
}

interface Built {
  bytes: number;
  file: string;
  largest: { name: string; bytes: number }[];
}

type Variant = 'external' | 'bundled';

const PROBE = path.join(PROJECT_ROOT, 'bench', 'support', 'load-probe.mjs');

/** The function's environment as deployed, minus what only AWS sets; nothing of this process leaks in. */
function functionEnvironment(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_OPTIONS: FUNCTION_NODE_OPTIONS,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    POWERTOOLS_SERVICE_NAME: 'osma-api',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    OSMA_STAGE: 'bench',
    OSMA_TABLE_NAME: 'osma-bench',
    // Node 20 here, Node 22 in Lambda: the SDK's Node 20 notice would not be printed there.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** Bytes of the output per package (or "our code"), largest first. */
export function largestInputs(metafile: Metafile, outfile: string): { name: string; bytes: number }[] {
  const output = Object.entries(metafile.outputs).find(([file]) => path.resolve(file) === path.resolve(outfile))?.[1];
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const at = input.lastIndexOf('node_modules/');
    let name = 'our code';
    if (at >= 0) {
      const parts = input.slice(at + 'node_modules/'.length).split('/');
      name = parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
      // Translations are worth naming apart: zod's `z` namespace brings every locale along.
      if (parts.includes('locales')) name = `${name} locales`;
    }
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  return [...byPackage].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
}

async function bundle(subject: Subject, variant: Variant): Promise<Built> {
  const dir = path.join(WORK_DIR, 'bundles', variant, subject.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const outfile = path.join(dir, 'index.mjs');
  const result = await build({
    ...functionEsbuildOptions({ entry: path.join(PROJECT_ROOT, subject.entry), outfile, externalModules: variant === 'bundled' ? [] : undefined }),
    metafile: true,
  });
  return { bytes: statSync(outfile).size, file: outfile, largest: largestInputs(result.metafile, outfile) };
}

function probe(file: string): Promise<{ ready: number; import: number }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [PROBE, file], { env: functionEnvironment(), cwd: path.dirname(file), timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`loading ${file} failed: ${stderr || error.message}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()!) as { ready: number; import: number });
    });
  });
}

const share = (part: number, whole: number) => `${Math.round((part / whole) * 100)}%`;

export const coldStart: Section = async ({ plan, routes }) => {
  const subjects: Subject[] = [
    { name: 'baseline', entry: 'bench/support/bare-handler.ts', deployed: 'external' },
    { name: 'authorizer', entry: 'functions/api/authorizer.ts', deployed: 'external' },
  ];
  // The management API's calls with a session pass its own authorizer first.
  if (routes.some((route) => route.auth === 'session')) {
    subjects.push({ name: 'session authorizer', entry: 'functions/identity/authorizer.ts', deployed: 'external' });
  }
  const seen = new Set<string>();
  for (const route of routes) {
    if (seen.has(route.handler)) continue;
    seen.add(route.handler);
    subjects.push({ name: route.operationId, entry: `functions/${route.handler}.ts`, deployed: bundlesAwsSdk(route) ? 'bundled' : 'external' });
  }
  const variants: Variant[] = plan.coldStart.bundledSdk ? ['external', 'bundled'] : ['external'];
  log(`cold start: bundling ${subjects.length} functions × ${variants.length} variants`);
  const built = new Map<string, Built>();
  for (const variant of variants) {
    for (const subject of subjects) built.set(`${variant}:${subject.name}`, await bundle(subject, variant));
  }
  // Without the bundled variant, a function that deploys bundled is still measured as it deploys.
  for (const subject of subjects) {
    const key = `${subject.deployed}:${subject.name}`;
    if (!built.has(key)) built.set(key, await bundle(subject, subject.deployed));
  }

  const samples = new Map<string, { ready: number[]; import: number[] }>();
  const jobs = [...built.keys()];
  for (const job of jobs) samples.set(job, { ready: [], import: [] });
  // One untimed load of each first: the file system cache is then warm for every subject alike.
  for (const job of jobs) await probe(built.get(job)!.file);
  for (let run = 0; run < plan.coldStart.runs; run++) {
    log(`cold start: round ${run + 1}/${plan.coldStart.runs} (${jobs.length} process starts)`);
    for (const job of shuffled(jobs)) {
      const measured = await probe(built.get(job)!.file);
      samples.get(job)!.ready.push(measured.ready);
      samples.get(job)!.import.push(measured.import);
    }
  }

  const p50 = (key: string, what: 'ready' | 'import') => median(samples.get(key)?.[what] ?? []);
  const baseReady = p50('external:baseline', 'ready');
  const baseImport = p50('external:baseline', 'import');
  const rows: Row[] = subjects.map((subject) => {
    const deployedKey = `${subject.deployed}:${subject.name}`;
    const deployed = built.get(deployedKey)!;
    const external = built.has(`external:${subject.name}`);
    const bundled = built.get(`bundled:${subject.name}`);
    const readyRatio = ratio(p50(deployedKey, 'ready'), baseReady);
    const importRatio = ratio(p50(deployedKey, 'import'), baseImport);
    const values = {
      kb: deployed.bytes,
      ofBudget: round(deployed.bytes / SIZE_BUDGET_BYTES, 3),
      ready: round(readyRatio, 3),
      ready_p90: round(ratio(percentile(samples.get(deployedKey)!.ready, 90), baseReady), 3),
      import: round(importRatio, 3),
      bundledKb: bundled?.bytes ?? null,
      bundledVsExternal:
        bundled && external ? round(ratio(p50(`bundled:${subject.name}`, 'ready'), p50(`external:${subject.name}`, 'ready')), 3) : null,
    };
    const top = deployed.largest
      .slice(0, 3)
      .map((part) => `${part.name} ${share(part.bytes, deployed.bytes)}`)
      .join(', ');
    const how = subject.deployed === 'bundled' ? ['deploys with its own SDK (the presigner must match its client-s3), measured so'] : [];
    if (subject.name === 'baseline') {
      return { label: 'baseline (document client only)', values, verdict: 'INFO' as const, note: `largest: ${top}` };
    }
    const misses = [
      ...(deployed.bytes >= SIZE_BUDGET_BYTES ? [`bundle ${(deployed.bytes / 1024).toFixed(0)} KB ≥ 300 KB`] : []),
      ...(readyRatio > LOAD_BUDGET_RATIO ? [`load ${readyRatio.toFixed(2)}x > ${LOAD_BUDGET_RATIO}x`] : []),
    ];
    return {
      label: subject.name,
      values,
      verdict: misses.length ? ('MISS' as const) : ('PASS' as const),
      note: [...misses, ...how, `largest: ${top}`].join('; '),
    };
  });

  const raw = Object.fromEntries([...samples].map(([key, s]) => [key, { readyMs: round(median(s.ready)), importMs: round(median(s.import)), runs: s.ready.length }]));
  const notes = [
    `Ratios are medians of ${plan.coldStart.runs} fresh processes per bundle (plus one untimed load each), all bundles in shuffled order in each round. "load" is process start to a ready handler export; "import" only the bundle's import. NODE_OPTIONS=${FUNCTION_NODE_OPTIONS} as deployed.`,
    `Median milliseconds per bundle are in the JSON (raw.coldStartMs), for context only: on a shared machine they drift, the ratios much less.`,
    'The functions create their DynamoDB client on first use (shared/platform/db.ts), so a ready handler has not built one yet; the baseline builds it at load, as the issue defines it. The first invocation pays for the client.',
    'Each function is measured as it deploys: @aws-sdk/* external (from the runtime), except the file functions, which carry their own SDK.',
    ...(plan.coldStart.bundledSdk ? ['"SDK bundled" builds the same function with @aws-sdk/* inside the bundle; its ratio compares that build with the external one of the same function, whichever deploys.'] : []),
  ];
  return {
    title: 'Cold start per function',
    baseline: 'a bundle of a bare handler that only creates a DynamoDB document client, same build options, same rounds.',
    budget: `bundle (minified, as deployed) under 300 KB; load within ${LOAD_BUDGET_RATIO}x of the baseline.`,
    columns: [
      { key: 'kb', label: 'KB', format: 'kb' },
      { key: 'ofBudget', label: 'of 300 KB', format: 'pct' },
      { key: 'ready', label: 'load ×base', format: 'ratio' },
      { key: 'ready_p90', label: 'p90 ×base', format: 'ratio' },
      { key: 'import', label: 'import ×base', format: 'ratio' },
      ...(plan.coldStart.bundledSdk
        ? [
            { key: 'bundledKb', label: 'KB SDK bundled', format: 'kb' as const },
            { key: 'bundledVsExternal', label: 'SDK bundled ×external', format: 'ratio' as const },
          ]
        : []),
    ],
    rows,
    notes,
    raw: { coldStartMs: raw },
  };
};
