import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The cold-start baseline: a handler that only creates a DynamoDB document client, bundled
 * exactly as the functions are (infra/bundling.ts). Not deployed.
 */
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async () => ({ statusCode: 200, body: JSON.stringify({ ready: Boolean(client) }) });
