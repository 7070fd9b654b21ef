import { defineConfig } from 'vitest/config';

/**
 * Five projects, so that the edit loop never waits for the local stack: only `e2e` and `browser` start it
 * (DynamoDB Local on Java, fauxqs, the gateway), once per run, in its own global setup. The
 * `slow` tests start stacks or the bench of their own and do not use the shared one.
 * docs/testing.md says which script runs what.
 */
export default defineConfig({
  test: {
    // In-process handlers (unit tests) stay quiet; the stack's own logs go to its log file.
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        // Everything not claimed by another project is a unit test, so that no test file is
        // ever left out of `npm test`: pure logic and in-process handlers, no stack.
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/{infra,e2e,slow,browser}/**'] },
      },
      // The CDK stack synthesized in process: no stack, no AWS account.
      { extends: true, test: { name: 'infra', include: ['test/infra/**/*.test.ts'] } },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], globalSetup: ['test/support/global-setup.ts'] },
      },
      // The dashboard in a real browser (Debian's chromium through playwright-core) against a local
      // stack of its own, started as the e2e project starts its one (docs/dashboard.md).
      {
        extends: true,
        test: { name: 'browser', include: ['test/browser/**/*.test.ts'], globalSetup: ['test/support/global-setup.ts'] },
      },
      // The bench smoke run and the tests that start, restart or break stacks of their own.
      { extends: true, test: { name: 'slow', include: ['test/slow/**/*.test.ts'] } },
    ],
  },
});
