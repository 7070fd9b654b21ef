import { Duration, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { OsmaFunction, type TableAction } from '#infra/platform/osma-function';
import { ROUTER_RETRY_ATTEMPTS } from '#shared/api/webhooks/settings';
import { ROUTER_FILTERS } from '#shared/api/webhooks/stream-filter';

/** The sender waits at most 15 s for a receiver; a batch's messages are sent in parallel. */
export const SENDER_TIMEOUT_SECONDS = 30;
export const ROUTER_TIMEOUT_SECONDS = 30;
/** Stream batches the router retries (halving them on each error) before it gives one up to the DLQ. */
export { ROUTER_RETRY_ATTEMPTS };

/**
 * The table calls each function makes, and no more (shared/api/webhooks/fan-out.ts and
 * deliver.ts). A new call in that code needs its action here: the local stack has no IAM.
 */
export const ROUTER_TABLE_ACTIONS: readonly TableAction[] = ['dynamodb:Query'];
export const SENDER_TABLE_ACTIONS: readonly TableAction[] = ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];

export interface WebhookPipelineProps {
  stage: string;
  table: ITable;
  queue: Queue;
  deadLetterQueue: Queue;
}

/**
 * The webhook pipeline behind the outbox:
 *
 *   table stream --(new events, resend requests)--> router --SendMessage--> queue --> sender --POST--> receivers
 *
 * - The router reads the stream through a filtered event source mapping: only inserted event
 *   items and delivery items that a resend marked reach it. It reports batch item failures,
 *   halves a failing batch, retries a bounded number of times and then sends the batch's
 *   description to the dead-letter queue (the events stay in the table for 30 days and can
 *   be resent). It may read the table and send to the queue, nothing else.
 * - The sender consumes the queue with partial batch responses; a delivery to retry is kept
 *   in the queue with ChangeMessageVisibility. It may read and write the table and consume
 *   the queue, nothing else; it never sends to a queue.
 */
export class WebhookPipeline extends Construct {
  readonly router: OsmaFunction;
  readonly sender: OsmaFunction;

  constructor(scope: Construct, id: string, props: WebhookPipelineProps) {
    super(scope, id);
    const environment = { OSMA_WEBHOOK_QUEUE_URL: props.queue.queueUrl };

    this.router = new OsmaFunction(this, 'Router', {
      entry: 'functions/api/webhooks/router.ts',
      stage: props.stage,
      description: `Webhook event router: table stream -> webhook queue (${props.stage})`,
      timeout: Duration.seconds(ROUTER_TIMEOUT_SECONDS),
      environment,
    });
    // The endpoints of an organization and mode: one Query on the table. Nothing else.
    this.router.bindTable(props.table, { actions: ROUTER_TABLE_ACTIONS });
    props.queue.grantSendMessages(this.router);
    this.router.addEventSource(
      new DynamoEventSource(props.table, {
        // A new stack misses nothing the table's stream still holds (replays are harmless).
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        parallelizationFactor: 1,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: ROUTER_RETRY_ATTEMPTS,
        onFailure: new SqsDlq(props.deadLetterQueue),
        filters: ROUTER_FILTERS.map((pattern) => FilterCriteria.filter(pattern)),
      }),
    );

    Validations.of(this.router.serviceRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams, which the DynamoDB event source adds for Lambda, supports no resource-level ' +
        'permission (it lists stream ARNs only); every other action of the role names its table, stream or queue.',
    });

    this.sender = new OsmaFunction(this, 'Sender', {
      entry: 'functions/api/webhooks/sender.ts',
      stage: props.stage,
      description: `Webhook sender: webhook queue -> receivers (${props.stage})`,
      timeout: Duration.seconds(SENDER_TIMEOUT_SECONDS),
      environment,
    });
    // Event, endpoint and delivery read together; the delivery and the endpoint written conditionally.
    this.sender.bindTable(props.table, { actions: SENDER_TABLE_ACTIONS });
    // Receive, delete and ChangeMessageVisibility (the retry schedule) on this queue only.
    this.sender.addEventSource(new SqsEventSource(props.queue, { batchSize: 10, reportBatchItemFailures: true }));
  }
}
