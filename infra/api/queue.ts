import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { SENDER_TIMEOUT_SECONDS } from '#infra/api/webhooks';
import { WEBHOOK_MAX_RECEIVE_COUNT } from '#shared/api/webhooks/settings';

/** How many times a message is received before it is parked in the dead-letter queue. */
export { WEBHOOK_MAX_RECEIVE_COUNT };

/** Lambda's advice for an SQS event source: at least six times the function's timeout. */
export const WEBHOOK_VISIBILITY_TIMEOUT_SECONDS = 6 * SENDER_TIMEOUT_SECONDS;

/**
 * The webhook delivery queue and its dead-letter queue. The event router (fed by the table
 * stream) sends one message per delivery; the sender retries a failed delivery by extending
 * the message's visibility timeout on the retry schedule (one receive per attempt), so the
 * receive count and the 14-day retention bound how long an endpoint may stay down. The
 * dead-letter queue takes what escapes the code path: a message received 16 times, and the
 * description of a stream batch the router gave up on.
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
      // How long a message hides after a receive when the sender neither deletes nor reschedules it.
      visibilityTimeout: Duration.seconds(WEBHOOK_VISIBILITY_TIMEOUT_SECONDS),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: WEBHOOK_MAX_RECEIVE_COUNT },
    });
  }
}
