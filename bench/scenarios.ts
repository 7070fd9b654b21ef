import type { Scenario } from '#bench/scenarios/bare';
import { coreScenarios } from '#bench/scenarios/core';
import { fileScenarios } from '#bench/scenarios/files';
import { identityScenarios } from '#bench/scenarios/identity';
import { openApiScenarios } from '#bench/scenarios/openapi';
import { webhookScenarios } from '#bench/scenarios/webhooks';

/**
 * One scenario per route (by operationId): what a typical successful call sends, and a
 * **bare handler** that makes the same DynamoDB calls with none of our code around them: a
 * plain document client, no middy, no zod, no envelope, no log line, no item mapping beyond
 * dropping the keys. Warm overhead compares the two; capacity measures the real one.
 *
 * A route without a scenario is reported as "not measured: no scenario"; adding an endpoint
 * means adding its scenario in bench/scenarios/ (docs/benchmarks.md).
 */
export const scenarios: Record<string, Scenario> = {
  ...coreScenarios,
  ...fileScenarios,
  ...openApiScenarios,
  ...webhookScenarios,
  ...identityScenarios,
};

export {
  bareDb,
  makeMembers,
  makeTasks,
  memberBody,
  taskBody,
  taskFixture,
  type BareResult,
  type PreparedScenario,
  type Scenario,
} from '#bench/scenarios/bare';
