import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { OsmaStack } from '#infra/stack';
import { ensureDashboardBuilt } from '#local/dashboard';

/**
 * `cdk synth` / `cdk deploy` entry point. The stage comes from `-c stage=<name>` (default
 * `dev`) and names the stack, the API stage and OSMA_STAGE.
 *
 * cdk-nag 3 runs as a CDK policy-validation plugin rather than an Aspect: synthesis fails on
 * any finding that is not acknowledged next to its resource with `Validations.of(...)`.
 */
const app = new App();
// The dashboard's bucket is filled from web/dist at deploy, so it must exist at synth: built here
// with Vite, offline, when it is missing or older than its sources, unless `-c dashboardAssets=<dir>`
// names a build.
if (!app.node.tryGetContext('dashboardAssets')) {
  const { built } = await ensureDashboardBuilt();
  if (built) process.stderr.write('Built the dashboard (web/dist) for the synth.\n');
}
// OsmaStack refuses a malformed stage name, and `local`.
const stage = String(app.node.tryGetContext('stage') ?? 'dev');
// Optional: the stage's mail sender and the dashboard's URL (docs/deploy.md).
const setting = (name: string) => (app.node.tryGetContext(name) as string | undefined) || undefined;

new OsmaStack(app, `Osma-${stage}`, {
  stage,
  mailFrom: setting('mailFrom'),
  dashboardUrl: setting('dashboardUrl'),
  description: `Osma platform (${stage}): REST API, DynamoDB table, webhook pipeline, files bucket`,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
