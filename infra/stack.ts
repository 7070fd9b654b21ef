import { CfnOutput, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { Api } from '#infra/http/rest-api';
import { publicPlane } from '#shared/api/plane';
import { identityPlane } from '#shared/identity/plane';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { FileStorage } from '#infra/api/files';
import { WebhookQueue } from '#infra/api/queue';
import { Storage } from '#infra/platform/storage';
import { WebhookPipeline } from '#infra/api/webhooks';
import { LOCAL_STAGE } from '#shared/platform/config';
import { checkedDashboardUrl } from '#shared/identity/mail/settings';
import { PlatformFunction } from '#infra/identity/platform-function';
import { RequestLogIndexer } from '#infra/identity/request-log-indexer';
import { mailSender } from '#infra/platform/mail';
import { Dashboard, DEFAULT_DASHBOARD_ASSETS } from '#infra/dashboard/dashboard';
import type { RouteDefinition } from '#shared/http/route';

export interface OsmaStackProps extends StackProps {
  /** The deployed stage: the API stage name, and OSMA_STAGE in every function. */
  stage: string;
  /**
   * The sender of the stage's mail (`-c mailFrom=...`): `Osma <no-reply@osma.example>` or an
   * address, a verified SES identity (or of a verified domain). Without it the stage mails nothing.
   */
  mailFrom?: string;
  /** Where links in mail lead (`-c dashboardUrl=...`, OSMA_DASHBOARD_URL): https, no query. */
  dashboardUrl?: string;
  /** The built dashboard. @default the context's `dashboardAssets` (`-c dashboardAssets=<dir>`), else web/dist */
  dashboardAssets?: string;
  /** The public API's routes. @default all of the public plane's */
  publicRoutes?: RouteDefinition[];
  /** The management API's routes. @default all of the management plane's */
  managementRoutes?: RouteDefinition[];
}

/**
 * A stage name is lowercase letters, digits and dashes, starting with a letter, and never
 * `local`: that is the local stack's name, and a deployed stage named like it would be taken
 * for it by whoever reads its logs or OSMA_STAGE. (The local-only settings do not depend on the
 * name: see `isLocalStack` in shared/platform/config.ts.)
 */
export function checkStageName(stage: string): void {
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(stage)) {
    throw new Error(`stage must be lowercase letters, digits and dashes, starting with a letter; got '${stage}'`);
  }
  if (stage === LOCAL_STAGE) throw new Error(`stage '${LOCAL_STAGE}' is the local stack's name; deploy under another name`);
}

/**
 * One Osma stage: the table, the webhook queue and pipeline, the files bucket, the root secret
 * and the platform function in this stack; each plane's REST API in a nested stack of its own,
 * and its routes in nested stacks of that one, one per route group (infra/http/rest-api.ts).
 * One `cdk deploy` deploys them all; the stateful resources stay here, at their logical ids.
 */
export class OsmaStack extends Stack {
  readonly stage: string;
  readonly table: Table;
  readonly webhookQueue: Queue;
  readonly webhookDeadLetterQueue: Queue;
  readonly files: FileStorage;
  readonly bucket: Bucket;
  readonly api: Api;
  readonly restApi: RestApi;
  readonly managementApi: Api;
  readonly rootSecret: Secret;
  readonly webhookPipeline: WebhookPipeline;
  readonly platformFunction: PlatformFunction;
  readonly requestLogIndexer: RequestLogIndexer;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OsmaStackProps) {
    checkStageName(props.stage);
    // Both are checked before anything is built, so a wrong setting fails the synth, not a mail.
    const mail = {
      sender: props.mailFrom ? mailSender(props.mailFrom) : undefined,
      dashboardUrl: props.dashboardUrl ? checkedDashboardUrl(props.dashboardUrl) : undefined,
    };
    super(scope, id, props);
    this.stage = props.stage;

    const storage = new Storage(this, 'Storage');
    this.table = storage.table;

    const webhooks = new WebhookQueue(this, 'Webhooks');
    this.webhookQueue = webhooks.queue;
    this.webhookDeadLetterQueue = webhooks.deadLetterQueue;

    this.webhookPipeline = new WebhookPipeline(this, 'WebhookPipeline', {
      stage: props.stage,
      table: this.table,
      queue: this.webhookQueue,
      deadLetterQueue: this.webhookDeadLetterQueue,
    });

    this.files = new FileStorage(this, 'Files');
    this.bucket = this.files.bucket;

    // Request logs: the public API's request lines, from CloudWatch Logs to the table (docs/request-logs.md).
    this.requestLogIndexer = new RequestLogIndexer(this, 'RequestLogIndexer', { stage: props.stage, table: this.table });

    this.api = new Api(this, 'Api', {
      stage: props.stage,
      plane: publicPlane,
      routes: props.publicRoutes,
      table: this.table,
      bucket: this.bucket,
      requestLogIndexer: this.requestLogIndexer,
    });
    this.restApi = this.api.restApi;

    // The root of every key the management plane signs or encrypts with (shared/platform/secrets.ts).
    this.rootSecret = new Secret(this, 'RootSecret', {
      description: `Osma ${props.stage}: root secret for access-token signing and stored-secret encryption`,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.rootSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotated by hand (docs/deploy.md): tokens and encrypted secrets carry the id of the root they were made under, ' +
        'and the previous version keeps verifying them until it is dropped; an automatic rotation Lambda would add nothing.',
    });
    this.managementApi = new Api(this, 'ManagementApi', {
      stage: props.stage,
      plane: identityPlane,
      routes: props.managementRoutes,
      table: this.table,
      rootSecret: this.rootSecret,
      mail,
    });

    // The platform team's commands (npm run admin): IAM only, no route.
    this.platformFunction = new PlatformFunction(this, 'PlatformAdmin', {
      stage: props.stage,
      table: this.table,
      mail: mail.sender,
      dashboardUrl: mail.dashboardUrl,
    });

    // The dashboard's own URL is not the default of dashboardUrl: the mailing functions would need
    // the distribution, which needs the management API, which waits for those functions: a cycle
    // of nested stacks (docs/deploy.md).
    this.dashboard = new Dashboard(this, 'Dashboard', {
      stage: props.stage,
      assets: props.dashboardAssets ?? (this.node.tryGetContext('dashboardAssets') as string | undefined) ?? DEFAULT_DASHBOARD_ASSETS,
      managementApi: this.managementApi.restApi,
      managementPlane: identityPlane,
      publicApi: this.restApi,
      accessLogs: this.files.accessLogs,
    });

    new CfnOutput(this, 'ApiUrl', {
      description: 'Base URL of the Osma API for this stage',
      value: this.restApi.url,
    });
    new CfnOutput(this, 'ManagementApiUrl', {
      description: 'Base URL of the Osma management API (/v1/) for this stage',
      value: this.managementApi.restApi.url,
    });
    new CfnOutput(this, 'PlatformFunctionName', {
      description: 'The platform function (npm run admin -- <command> --stage <stage>), invocable with IAM credentials only',
      value: this.platformFunction.functionName,
    });
    new CfnOutput(this, 'DashboardUrl', {
      description: 'The dashboard (CloudFront), with the management API under /v1/ on the same origin',
      value: this.dashboard.url,
    });
    new CfnOutput(this, 'TableName', {
      description: 'The DynamoDB table (OSMA_TABLE_NAME)',
      value: this.table.tableName,
    });
  }
}
