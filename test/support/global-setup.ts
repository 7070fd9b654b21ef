import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { STACK_SETTINGS } from './stack-settings.ts';
import { startStackProcess } from './stack-process.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
    /** The dashboard's origin, with `/v1/` passed through to the management API. */
    dashboardUrl: string;
    testKey: string;
    liveKey: string;
    ownerEmail: string;
    ownerPassword: string;
    organizationId: string;
    dynamoDbEndpoint: string;
    tableName: string;
    logFile: string;
    /** The stack's data dir: tests that play a handler of the stack (the mail outbox) write into it. */
    dataDir: string;
  }
}

/**
 * The suite runs against the local stack exactly as `npm start` runs it: one child process
 * with DynamoDB Local, fauxqs and the gateway, on free ports and a fresh data dir. Its
 * output (the handlers' structured logs) goes to a file that tests can read.
 */
export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), 'osma-test-'));
  const stack = await startStackProcess({
    dataDir,
    logFile: join(dataDir, 'stack.log'),
    // Webhook retries compressed from hours to seconds: four tries over three seconds, and
    // an endpoint disabled after three deliveries in a row failed.
    // Authorizer answers are not cached, so that a test sees an ended session refused at once;
    // the cache's own bound is the setting's, shown by the infra test.
    env: {
      ...STACK_SETTINGS,
      OSMA_WEBHOOK_RETRY_SCHEDULE: '0,1,1,1',
      OSMA_WEBHOOK_DISABLE_AFTER_FAILED_DELIVERIES: '3',
      OSMA_AUTHORIZER_CACHE_SECONDS: '0',
    },
  });
  project.provide('apiUrl', stack.url);
  project.provide('dashboardUrl', stack.dashboardUrl);
  project.provide('testKey', stack.testKey);
  project.provide('liveKey', stack.liveKey);
  project.provide('ownerEmail', stack.ownerEmail);
  project.provide('ownerPassword', stack.ownerPassword);
  project.provide('organizationId', stack.organizationId);
  project.provide('dynamoDbEndpoint', stack.dynamoDbEndpoint);
  project.provide('tableName', 'osma-local');
  project.provide('logFile', stack.logFile);
  project.provide('dataDir', dataDir);
  return async () => {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}

