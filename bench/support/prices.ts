/**
 * The prices the benchmark turns counts into, us-east-1, as published on the AWS pricing
 * pages (checked November 2025; check them again before quoting a figure):
 *
 * - DynamoDB on-demand, Standard table class: $0.625 per million write request units and
 *   $0.125 per million read request units (since the November 2024 price cut). A request
 *   unit is sized like a capacity unit: 1 KB written, 4 KB read strongly consistent (half a
 *   unit eventually consistent), twice that in a transaction.
 * - Lambda, arm64: $0.0000133334 per GB-second, $0.20 per million requests.
 * - API Gateway REST API: $3.50 per million requests (first 333 million a month).
 */
export const PRICES = {
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  lambdaGbSecondArm: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  apiGatewayRestRequest: 3.5 / 1e6,
} as const;

/** Dollars per million calls of DynamoDB request units. */
export const dynamoDollarsPerMillion = (read: number, write: number) => (read * PRICES.dynamoReadUnit + write * PRICES.dynamoWriteUnit) * 1e6;
