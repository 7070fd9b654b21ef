import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '#infra/platform/bundling';
import { markdownReport, textReport, type BenchResult } from '#bench/support/report';

/**
 * `npm run bench:report [file] [--text]`: writes a results file (default
 * bench/results/latest.json) as docs/benchmarks/latest.md, the page the docs link to; with
 * `--text`, prints it as the terminal table instead and writes nothing.
 */
const REPORT_FILE = path.join(PROJECT_ROOT, 'docs', 'benchmarks', 'latest.md');

const args = process.argv.slice(2);
const file = args.find((arg) => !arg.startsWith('--')) ?? path.join(PROJECT_ROOT, 'bench', 'results', 'latest.json');
const result = JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
if (args.includes('--text')) {
  process.stdout.write(`${textReport(result)}\n`);
} else {
  mkdirSync(path.dirname(REPORT_FILE), { recursive: true });
  writeFileSync(REPORT_FILE, `${markdownReport(result, path.relative(PROJECT_ROOT, path.resolve(file)))}\n`);
  process.stdout.write(`Wrote ${path.relative(process.cwd(), REPORT_FILE)} from ${path.relative(process.cwd(), path.resolve(file))}\n`);
}
