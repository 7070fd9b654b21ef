import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** How many times a delivery is tried before it is parked in the dead-letter queue. */
export const WEBHOOK_MAX_RECEIVE_COUNT = 16;

/**
 * The webhook delivery queue and its dead-letter queue. The event router (fed by the table
 * stream) sends one message per subscribed endpoint; the sender retries a failed delivery by
 * extending the message's visibility timeout with exponential backoff, so the receive count
 * and the 14-day retention bound how long an endpoint may stay down. Nothing consumes the
 * queue yet: the router and the sender are wired by later issues.
 */
export class WebhookQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This is the dead-letter queue of the webhook delivery queue; a DLQ needs no DLQ of its own.',
    });

    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // At least the sender's timeout once a consumer exists; the sender sets it per message.
      visibilityTimeout: Duration.seconds(60),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: WEBHOOK_MAX_RECEIVE_COUNT },
    });
  }
}
