import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startStackProcess } from '#test/support/stack-process';

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'osma-start-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function createMember(url: string, key: string) {
  const response = await fetch(`${url}/members`, {
    method: 'POST',
    headers: { 'osma-api-key': key },
    body: JSON.stringify({ name: 'Persisted', email: 'persisted@osma.com' }),
  });
  return { status: response.status, body: (await response.json()) as { id: string } };
}

// Each of these starts whole stacks (Java included) once or twice while the rest of the suite
// loads the machine.
const STACK_TEST_TIMEOUT = 120_000;

describe('npm start', () => {
  it('keeps data and keys across a restart on the same data dir, and stops cleanly on Ctrl-C', async () => {
    // Prepare
    const dataDir = freshDir();
    const first = await startStackProcess({ dataDir, logFile: join(dataDir, 'first.log') });
    const created = await createMember(first.url, first.testKey);
    expect(created.status).toBe(201);

    // Act
    const exitCode = await first.stop();
    const second = await startStackProcess({ dataDir, logFile: join(dataDir, 'second.log') });
    const fetched = await fetch(`${second.url}/members/${created.body.id}`, { headers: { 'osma-api-key': second.testKey } });
    await second.stop();

    // Assess
    expect(exitCode).toBe(0);
    expect(first.testKey).toMatch(/^sk_test_[0-9A-Za-z]{27}$/);
    expect(first.liveKey).toMatch(/^sk_live_[0-9A-Za-z]{27}$/);
    expect([second.testKey, second.liveKey, second.organizationId]).toEqual([first.testKey, first.liveKey, first.organizationId]);
    expect(fetched.status).toBe(200);
    expect(((await fetched.json()) as { id: string }).id).toBe(created.body.id);
    // The table holds only hashes of the keys.
    const database = readFileSync(join(dataDir, 'shared-local-instance.db'));
    expect(database.includes(first.testKey)).toBe(false);
  }, STACK_TEST_TIMEOUT);

  it('seeds exactly the keys given in OSMA_TEST_API_KEY and OSMA_LIVE_API_KEY', async () => {
    const dataDir = freshDir();
    const testKey = 'sk_test_27NecW2jYLhV2gkB5lby1F22Fxv';
    const liveKey = 'sk_live_27NecW2jYLhV2gkB5lby1F22Fxv';

    const stack = await startStackProcess({
      dataDir,
      logFile: join(dataDir, 'stack.log'),
      env: { OSMA_TEST_API_KEY: testKey, OSMA_LIVE_API_KEY: liveKey },
    });
    const test = await createMember(stack.url, testKey);
    const live = await fetch(`${stack.url}/members`, { headers: { 'osma-api-key': liveKey } });
    await stack.stop();

    expect([stack.testKey, stack.liveKey]).toEqual([testKey, liveKey]);
    expect(test.status).toBe(201);
    expect(live.status).toBe(200);
  }, STACK_TEST_TIMEOUT);

  it('refuses to start with a test key that is not sk_test_', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
      env: { ...process.env, PORT: '0', OSMA_DATA_DIR: freshDir(), OSMA_TEST_API_KEY: 'sk_live_27NecW2jYLhV2gkB5lby1F22Fxv' },
      encoding: 'utf8',
      timeout: 60_000,
    });

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('OSMA_TEST_API_KEY must start with sk_test_');
  });
});
