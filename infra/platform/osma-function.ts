import path from 'node:path';
import { type CfnResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { objectKeyPatterns } from '#shared/api/files/keys';
import { FUNCTION_BUNDLING, FUNCTION_NODE_OPTIONS, PROJECT_ROOT } from '#infra/platform/bundling';
import { TABLE_DEFINITION } from '#shared/platform/table';

export { ESM_REQUIRE_BANNER, PROJECT_ROOT } from '#infra/platform/bundling';

export const SERVICE_NAME = 'osma-api';

/** What a function may do to the table. */
export type TableAccess = 'read' | 'readWrite';

/**
 * Read actions only. No Scan: the single-table design answers every list with a Query.
 * ConditionCheckItem is left to writers: it only exists inside TransactWriteItems.
 */
export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] as const;

/** TransactWriteItems is authorized per item by these same actions; it is not an IAM action itself. */
export const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
] as const;

/** What a function may do in the files bucket (see `fileAccess` in the route table). */
export type FileAccess = 'upload' | 'download';

/**
 * One action each. A presigned URL carries the permissions of the role that signed it, so the
 * upload function can sign PUTs and the download function GETs (and HeadObject, which
 * s3:GetObject covers), each only for keys of the file key scheme.
 */
export const FILE_ACTIONS: Record<FileAccess, string[]> = {
  upload: ['s3:PutObject'],
  download: ['s3:GetObject'],
};
export type TableAction = (typeof TABLE_READ_ACTIONS)[number] | (typeof TABLE_WRITE_ACTIONS)[number];

export interface OsmaFunctionProps {
  /** The handler module, relative to the repository root, e.g. `functions/api/members/get.ts`. */
  entry: string;
  /** The deployed stage, handed to the code as OSMA_STAGE. */
  stage: string;
  description?: string;
  environment?: Record<string, string>;
  /** @default 512 */
  memorySize?: number;
  /** @default 10 seconds */
  timeout?: Duration;
  /**
   * Bundle the AWS SDK instead of using the one the Lambda runtime ships. For code that needs
   * an SDK package the runtime does not promise (the S3 presigner), at the version it was
   * tested with. @default false
   */
  bundleAwsSdk?: boolean;
}

/**
 * Every Osma Lambda function: Node.js 22 on arm64, one minified ESM bundle with source maps
 * made by the local esbuild (no Docker), its own log group kept one month, and a role of its
 * own that may write to that log group and nothing else until a grant adds to it. No AWS
 * managed policy is attached: the basic execution policy would allow every log group.
 */
export class OsmaFunction extends NodejsFunction {
  readonly serviceRole: Role;

  constructor(scope: Construct, id: string, props: OsmaFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      // Operational logs of a function that the stack owns; they go with it.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.entry} (${props.stage})`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: path.join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      logGroup,
      role,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      environment: {
        NODE_OPTIONS: FUNCTION_NODE_OPTIONS,
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        OSMA_STAGE: props.stage,
        ...props.environment,
      },
      // One definition with the benchmark's bundles (infra/bundling.ts).
      bundling: {
        ...FUNCTION_BUNDLING,
        format: FUNCTION_BUNDLING.format as OutputFormat,
        mainFields: [...FUNCTION_BUNDLING.mainFields],
        // The file functions carry their own SDK (the presigner must match its client-s3).
        externalModules: props.bundleAwsSdk ? [] : [...FUNCTION_BUNDLING.externalModules],
      },
    });
    this.serviceRole = role;

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x on purpose (docs/deploy.md): the bundles target node22 and the project is built and tested ' +
        'on Node 20/22; moving to nodejs24.x is an upgrade to make together with the toolchain, not by default.',
    });
  }

  /**
   * Grants the least the function needs on the table and tells it the table's name. The
   * statement names the table and each of its indexes, never `index/*`. A list of actions
   * grants exactly those, on the table alone (no index): for functions whose every table
   * call is known, such as the webhook pipeline's.
   */
  bindTable(table: ITable, access: TableAccess | { actions: readonly TableAction[] }): void {
    const actions =
      typeof access === 'object'
        ? [...access.actions]
        : access === 'read'
          ? [...TABLE_READ_ACTIONS]
          : [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS];
    const resources =
      typeof access === 'object'
        ? [table.tableArn]
        : [table.tableArn, ...TABLE_DEFINITION.globalIndexes.map((index) => `${table.tableArn}/index/${index.name}`)];
    this.addToRolePolicy(new PolicyStatement({ actions, resources }));
    this.addEnvironment('OSMA_TABLE_NAME', table.tableName);
  }

  /**
   * Grants what the API guarantees write for a route whose own access does not cover it (a
   * read route's rate-limit counter): those actions on the table only, and only on items
   * whose partition key has the guarantee record's shape.
   */
  bindGuarantees(table: ITable, access: { actions: string[]; leadingKeys: string[] }): void {
    if (access.actions.length === 0) return;
    this.addToRolePolicy(
      new PolicyStatement({
        actions: access.actions,
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': access.leadingKeys } },
      }),
    );
    this.addEnvironment('OSMA_TABLE_NAME', table.tableName);
  }

  /**
   * Grants one files action on the object key scheme only (`files/org_*\/<mode>/file_*`, see
   * shared/api/files/keys.ts), never the whole bucket, and tells the function the bucket's name.
   * No s3:ListBucket: the function could otherwise list every organization's keys.
   */
  bindFiles(bucket: IBucket, access: FileAccess): void {
    this.addToRolePolicy(
      new PolicyStatement({
        actions: FILE_ACTIONS[access],
        resources: objectKeyPatterns().map((pattern) => bucket.arnForObjects(pattern)),
      }),
    );
    this.addEnvironment('OSMA_FILES_BUCKET', bucket.bucketName);
    // cdk-nag 3 names each wildcard resource as its own finding: `Resource::<Logical.Arn>/pattern`.
    const bucketArn = `<${Stack.of(this).resolve((bucket.node.defaultChild as CfnResource).logicalId)}.Arn>`;
    for (const pattern of objectKeyPatterns()) {
      Validations.of(this.serviceRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${bucketArn}/${pattern}]`,
        reason:
          'The wildcards are the file key scheme itself (files/org_*/<mode>/file_*): organization and file ids are ' +
          "known only per request, and the handler builds every key from the caller's organization and mode. One " +
          'action: PutObject to presign uploads, or GetObject to check objects and presign downloads.',
      });
    }
  }
}
