import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { routeRecords } from '#shared/api/webhooks/fan-out';

/**
 * The event router: the table's stream (filtered to new events and resend requests) in,
 * one SQS message per delivery out. On a failure it reports the first record not done, so
 * Lambda retries from there (records before it are finished; replays are harmless).
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const failed = await routeRecords(event.Records);
  const sequenceNumber = failed === undefined ? undefined : event.Records[failed]?.dynamodb?.SequenceNumber;
  return { batchItemFailures: sequenceNumber ? [{ itemIdentifier: sequenceNumber }] : [] };
};
