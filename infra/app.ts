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
const stage = String(app.node.tryGetContext('stage') ?? 'dev');
if (!/^[a-z][a-z0-9-]{0,31}$/.test(stage)) {
  throw new Error(`stage must be lowercase letters, digits and dashes, starting with a letter; got '${stage}'`);
}

new OsmaStack(app, `Osma-${stage}`, {
  stage,
  description: `Osma platform (${stage}): REST API, DynamoDB table, webhook pipeline, files bucket`,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
