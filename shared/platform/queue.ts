import { SQSClient } from '@aws-sdk/client-sqs';

/**
 * One SQS client per process, made on first use. The endpoint comes from the SDK's own
 * settings (AWS_ENDPOINT_URL_SQS points it at fauxqs locally), never from the queue URL:
 * fauxqs names its queues with a host that is no valid URL host, and in AWS the two agree.
 */
let client: SQSClient | undefined;

export function sqs(): SQSClient {
  client ??= new SQSClient({ useQueueUrlAsEndpoint: false });
  return client;
}
