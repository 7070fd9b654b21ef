import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '#infra/platform/bundling';
import { markdownReport, textReport, type BenchResult } from '#bench/support/report';

/**
 * `npm run bench:report [file] [--text]`: prints a results file (default
 * bench/results/latest.json) as the Markdown the README carries, or as the terminal table.
 */
const args = process.argv.slice(2);
const file = args.find((arg) => !arg.startsWith('--')) ?? path.join(PROJECT_ROOT, 'bench', 'results', 'latest.json');
const result = JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
process.stdout.write(`${args.includes('--text') ? textReport(result) : markdownReport(result)}\n`);
