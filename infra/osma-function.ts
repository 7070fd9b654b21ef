import path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { FUNCTION_BUNDLING, FUNCTION_NODE_OPTIONS, PROJECT_ROOT } from '#infra/bundling';
import { TABLE_DEFINITION } from '#shared/table';

export { ESM_REQUIRE_BANNER, PROJECT_ROOT } from '#infra/bundling';

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

export interface OsmaFunctionProps {
  /** The handler module, relative to the repository root, e.g. `functions/members/get.ts`. */
  entry: string;
  /** The deployed stage, handed to the code as OSMA_STAGE. */
  stage: string;
  description?: string;
  environment?: Record<string, string>;
  /** @default 512 */
  memorySize?: number;
  /** @default 10 seconds */
  timeout?: Duration;
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
        externalModules: [...FUNCTION_BUNDLING.externalModules],
      },
    });
    this.serviceRole = role;

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x on purpose (DESIGN.md): the bundles target node22 and the project is built and tested ' +
        'on Node 20/22; moving to nodejs24.x is an upgrade to make together with the toolchain, not by default.',
    });
  }

  /**
   * Grants the least the function needs on the table and tells it the table's name. The
   * statement names the table and each of its indexes, never `index/*`.
   */
  bindTable(table: ITable, access: TableAccess): void {
    const actions = access === 'read' ? [...TABLE_READ_ACTIONS] : [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS];
    this.addToRolePolicy(
      new PolicyStatement({
        actions,
        resources: [
          table.tableArn,
          ...TABLE_DEFINITION.globalIndexes.map((index) => `${table.tableArn}/index/${index.name}`),
        ],
      }),
    );
    this.addEnvironment('OSMA_TABLE_NAME', table.tableName);
  }
}
