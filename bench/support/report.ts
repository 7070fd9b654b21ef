/**
 * What a benchmark run produces: sections of rows, each row a subject with its figures (ratios
 * against a baseline measured in the same run, or counts) and a verdict against the budget.
 * The same structure is printed as a text table, written as JSON under bench/results/, and
 * rendered as Markdown in docs/benchmarks/latest.md (`npm run bench:report`).
 */
export type Verdict = 'PASS' | 'MISS' | 'INFO' | 'NOT MEASURED' | 'ERROR';

export const SECTION_IDS = ['cold-start', 'warm-overhead', 'capacity', 'http-load', 'webhooks', 'scaling', 'people'] as const;
export type SectionId = (typeof SECTION_IDS)[number];

export type Format = 'text' | 'int' | 'num' | 'ratio' | 'ms' | 'kb' | 'pct';

export interface Column {
  key: string;
  label: string;
  format: Format;
}

export type Value = number | string | null;

export interface Row {
  label: string;
  values: Record<string, Value>;
  verdict: Verdict;
  /** Why: the budget missed, what was not measured, what a figure rests on. */
  note?: string;
}

export interface SectionResult {
  id: SectionId;
  title: string;
  /** What the ratios are against. */
  baseline: string;
  /** The budget the verdicts apply, in words. */
  budget: string;
  columns: Column[];
  rows: Row[];
  notes: string[];
  seconds: number;
  /** Figures behind the ratios (absolute times, per-call detail), for whoever digs deeper. */
  raw?: Record<string, unknown>;
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  java: string;
  dynamoDbLocal: string;
  /** 1-minute load average when the run started and ended: other work on the machine. */
  loadAverage: { start: number; end: number };
}

export interface BenchResult {
  schema: 1;
  date: string;
  mode: 'full' | 'quick' | 'smoke';
  filters: { sections: string[] | null; routes: string[] | null };
  machine: MachineInfo;
  git: { branch: string; commit: string; dirty: boolean };
  seconds: number;
  sections: SectionResult[];
}

export function formatValue(value: Value | undefined, format: Format): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return '-';
  switch (format) {
    case 'int':
      return Math.round(value).toLocaleString('en-US');
    case 'ratio':
      return `${value.toFixed(2)}x`;
    case 'ms':
      return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US');
    case 'kb':
      return (value / 1024).toFixed(1);
    case 'pct':
      return `${(value * 100).toFixed(0)}%`;
    case 'num':
      return Number.isInteger(value) ? String(value) : value.toFixed(2);
    default:
      return String(value);
  }
}

function cells(section: SectionResult): string[][] {
  return section.rows.map((row) => [
    row.label,
    ...section.columns.map((column) => formatValue(row.values[column.key], column.format)),
    row.verdict,
    row.note ?? '',
  ]);
}

/** A plain text table per section, for the terminal. */
export function textReport(result: BenchResult): string {
  const lines: string[] = [];
  lines.push(`Osma benchmark — ${result.date} — mode ${result.mode} — ${result.machine.cpus} cores (${result.machine.cpuModel}), Node ${result.machine.node}, ${result.machine.java}, load ${result.machine.loadAverage.start.toFixed(1)} → ${result.machine.loadAverage.end.toFixed(1)}`);
  for (const section of result.sections) {
    lines.push('', `== ${section.title} (${section.seconds.toFixed(0)} s)`, `   baseline: ${section.baseline}`, `   budget:   ${section.budget}`);
    const header = ['', ...section.columns.map((c) => c.label), 'verdict', 'note'];
    const body = cells(section);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (i === header.length - 1 ? 0 : r[i]!.length))));
    const line = (r: string[]) =>
      r
        .map((cell, i) => (i === 0 || i >= header.length - 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
        .join('  ')
        .trimEnd();
    lines.push(line(header), widths.map((w) => '-'.repeat(w)).join('  '));
    for (const r of body) lines.push(line(r));
    for (const note of section.notes) lines.push(`   * ${note}`);
  }
  const missed = misses(result);
  lines.push('', missed.length ? `Budget missed (${missed.length}): ${missed.join('; ')}` : 'Every measured figure is within budget.');
  return lines.join('\n');
}

const escapeCell = (text: string) => text.replace(/\|/g, '\\|');

/** Every row that missed its budget, as `section: row`. */
function misses(result: BenchResult): string[] {
  return result.sections.flatMap((s) => s.rows.filter((r) => r.verdict === 'MISS').map((r) => `${s.id}: ${r.label}`));
}

/** The same tables as a Markdown page (docs/benchmarks/latest.md); `source` names the JSON it was made from. */
export function markdownReport(result: BenchResult, source = 'bench/results/latest.json'): string {
  const out: string[] = [];
  const m = result.machine;
  out.push(
    '# Benchmark results',
    '',
    `Written by \`npm run bench:report\` from \`${source}\`; a new run replaces it, so edit neither by hand. How the bench works, how to read these tables, and what the misses mean: [benchmarks.md](../benchmarks.md).`,
    '',
    `Run of ${result.date.slice(0, 10)} (mode \`${result.mode}\`, commit \`${result.git.commit.slice(0, 7)}\`${result.git.dirty ? ' + local changes' : ''}) on ${m.cpus} cores (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, ${m.java}, DynamoDB Local ${m.dynamoDbLocal}; 1-minute load average ${m.loadAverage.start.toFixed(1)} at the start and ${m.loadAverage.end.toFixed(1)} at the end (other work shared the machine). ${result.seconds.toFixed(0)} s in all.`,
  );
  const missed = misses(result);
  out.push('', missed.length ? `Budget missed (${missed.length}): ${missed.join('; ')}.` : 'Every measured figure is within budget.');
  for (const section of result.sections) {
    out.push('', `## ${section.title}`, '', `Baseline: ${section.baseline} Budget: ${section.budget}`, '');
    out.push(`| | ${section.columns.map((c) => c.label).join(' | ')} | verdict | note |`);
    out.push(`|---|${section.columns.map(() => '---:').join('|')}|---|---|`);
    for (const row of cells(section)) out.push(`| ${row.map(escapeCell).join(' | ')} |`);
    if (section.notes.length) out.push('', ...section.notes.map((note) => `- ${note}`));
  }
  return out.join('\n');
}
