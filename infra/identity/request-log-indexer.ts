import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LambdaDestination } from 'aws-cdk-lib/aws-logs-destinations';
import { FilterPattern, type ILogGroup, SubscriptionFilter } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { OsmaFunction } from '#infra/platform/osma-function';
import { requestLogKeys } from '#shared/identity/request-logs/keys';

/** The indexer writes with BatchWriteItem, and nothing else (shared/identity/request-logs/index.ts). */
export const REQUEST_LOG_INDEXER_ACTIONS = ['dynamodb:BatchWriteItem'] as const;

/**
 * The request lines a subscription passes on: the public API's (shared/api/surface.ts says
 * `plane: "api"`), one per request. Every other line of the function stays in its log group.
 */
export const REQUEST_LINE_FILTER = '{ ($.message = "request") && ($.plane = "api") }';

export interface RequestLogIndexerProps {
  stage: string;
  table: ITable;
}

/**
 * The request log indexer (functions/platform/request-log-indexer.ts): CloudWatch Logs invokes
 * it (asynchronously) with the request lines of the public API's route functions, one
 * subscription filter per log group (`subscribe`), and it writes them as request log items.
 * Its role may BatchWriteItem the request log items only (their partition keys as
 * `dynamodb:LeadingKeys`): no read, no other item. Its own log group has no subscription, so it
 * never indexes itself.
 */
export class RequestLogIndexer extends OsmaFunction {
  constructor(scope: Construct, id: string, props: RequestLogIndexerProps) {
    super(scope, id, {
      entry: 'functions/platform/request-log-indexer.ts',
      stage: props.stage,
      description: `Request log indexer: the public API's request lines (CloudWatch Logs) -> request log items (${props.stage})`,
      timeout: Duration.seconds(60),
    });
    this.addToRolePolicy(
      new PolicyStatement({
        actions: [...REQUEST_LOG_INDEXER_ACTIONS],
        resources: [props.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': requestLogKeys.leadingKeyPatterns() } },
      }),
    );
    this.addEnvironment('OSMA_TABLE_NAME', props.table.tableName);
  }
}

/**
 * Subscribes a route function's log group to the indexer: a subscription filter that passes the
 * request lines, and the permission, in the same stack, that lets CloudWatch Logs invoke the
 * indexer for this log group only. A log group takes two subscription filters; this is one.
 */
export function subscribeToRequestLogs(scope: Construct, id: string, logGroup: ILogGroup, indexer: IFunction): SubscriptionFilter {
  return new SubscriptionFilter(scope, id, {
    logGroup,
    destination: new LambdaDestination(indexer),
    filterPattern: FilterPattern.literal(REQUEST_LINE_FILTER),
  });
}
