import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { OsmaStack } from '#infra/stack';

/**
 * `cdk synth` / `cdk deploy` entry point. The stage comes from `-c stage=<name>` (default
 * `dev`) and names the stack, the API stage and OSMA_STAGE.
 *
 * cdk-nag 3 runs as a CDK policy-validation plugin rather than an Aspect: synthesis fails on
 * any finding that is not acknowledged next to its resource with `Validations.of(...)`.
 */
const app = new App();
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
