import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SECTION_IDS, type BenchResult } from '#bench/support/report';

/**
 * `npm run bench` is not part of the suite (minutes, and noisy); this checks that it runs end
 * to end in its tiny smoke mode, for a public route and two of the management API's, and writes
 * JSON of the documented shape. It asserts structure and counts, never speed: the machine may
 * be busy.
 */
const VERDICTS = ['PASS', 'MISS', 'INFO', 'NOT MEASURED', 'ERROR'];

function runBench(outDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--smoke', '--routes', 'getMember,logIn,authenticate', '--out', outDir], {
      // Nothing of the suite's environment (its DynamoDB Local, its log level) leaks into the bench.
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('npm run bench (smoke mode)', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'osma-bench-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('runs every section and writes the results as JSON', { timeout: 240_000 }, async () => {
    // Act
    const { code, output } = await runBench(outDir);

    // Assess: it ran, printed the table, and wrote a dated file and latest.json with the same content.
    expect(code, output).toBe(0);
    expect(output).toContain('== Cold start per function');
    const files = readdirSync(outDir).sort();
    expect(files).toHaveLength(2);
    expect(files).toContain('latest.json');
    const latest = readFileSync(join(outDir, 'latest.json'), 'utf8');
    expect(readFileSync(join(outDir, files.find((f) => f !== 'latest.json')!), 'utf8')).toBe(latest);

    const result = JSON.parse(latest) as BenchResult;
    expect(result).toMatchObject({ schema: 1, mode: 'smoke', filters: { routes: ['getMember', 'logIn', 'authenticate'] } });
    expect(result.machine.cpus).toBeGreaterThan(0);
    expect(result.git.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(result.sections.map((section) => section.id)).toEqual([...SECTION_IDS]);
    for (const section of result.sections) {
      expect(section.title).toBeTruthy();
      expect(section.budget).toBeTruthy();
      expect(section.rows.length, section.id).toBeGreaterThan(0);
      for (const row of section.rows) {
        expect(VERDICTS, `${section.id}: ${row.label}`).toContain(row.verdict);
        expect(row.verdict, `${section.id}: ${row.label}: ${row.note}`).not.toBe('ERROR');
      }
    }

    // Counts that do not depend on the machine.
    const bySection = Object.fromEntries(result.sections.map((section) => [section.id, section]));
    const coldStart = bySection['cold-start']!.rows;
    expect(coldStart.map((row) => row.label)).toEqual(['baseline (document client only)', 'authorizer', 'session authorizer', 'getMember', 'logIn', 'authenticate']);
    expect(coldStart[3]!.values.kb).toBeGreaterThan(1000);
    const getMember = bySection.capacity!.rows.find((row) => row.label === 'GET /members/{id}')!;
    expect(getMember.values).toMatchObject({ itemsRead: 1, returned: 1 });
    const warm = bySection['warm-overhead']!.rows;
    expect(warm.map((row) => row.label)).toEqual(['GET /members/{id}', 'POST /v1/login/', 'POST /v1/authenticate/']);
    // The login's bare handler makes the same calls (no drift reported), and its scrypt is timed alone.
    expect(warm[1]!.note).toMatch(/(^|; )scrypt N=\d+ r=\d+ p=\d+ alone /);
    expect(warm[1]!.note).not.toContain('bare calls differ');
    expect(bySection.capacity!.rows.find((row) => row.label === 'session authorizer, per token per cache period')!.values).toMatchObject({ calls: 1, itemsRead: 3 });
    expect(bySection['http-load']!.rows.map((row) => row.label)).toEqual(['GET /members/{id} c=2']);
    // The webhook pipeline and the rate limiter are part of the platform: always measured.
    expect(bySection.webhooks!.rows.map((row) => row.verdict)).not.toContain('NOT MEASURED');
    expect(bySection.capacity!.rows.find((row) => row.label === 'rate limiter, per call')!.verdict).toBe('INFO');
    expect(bySection.scaling!.rows.filter((row) => row.label.startsWith('rate limiter')).length).toBeGreaterThan(0);
  });
});
