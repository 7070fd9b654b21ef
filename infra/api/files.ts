import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { FILE_KEY_PREFIX } from '#shared/api/files/keys';

/** How long S3 server access logs of the files bucket are kept. */
export const FILE_ACCESS_LOG_DAYS = 365;

/**
 * The private bucket that holds files. Nobody reads it directly: the API hands out short-lived
 * presigned URLs, signed by the two file functions whose roles reach only the file key scheme
 * (infra/osma-function.ts, bindFiles). TLS is required (aws:SecureTransport and TLS 1.2 at
 * least), ACLs are disabled, objects are encrypted with S3-managed keys, and the bucket
 * outlives the stack. Every request to it is recorded in S3 server access logs, in a bucket
 * of their own.
 */
export class FileStorage extends Construct {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    // Log delivery writes with a bucket policy (the serverAccessLogsUseBucketPolicy flag), and
    // only to SSE-S3 buckets.
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(FILE_ACCESS_LOG_DAYS) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket receives the access logs of the files bucket; logging it too would only log log delivery.',
    });

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: `${FILE_KEY_PREFIX}/`,
      // Browser uploads and downloads through presigned URLs: the URL is the credential, so any
      // origin may use one; only the declared content-type header may be sent.
      cors: [
        {
          allowedMethods: [HttpMethods.PUT, HttpMethods.GET],
          allowedOrigins: ['*'],
          allowedHeaders: ['content-type'],
          exposedHeaders: ['etag'],
          maxAge: 3000,
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
