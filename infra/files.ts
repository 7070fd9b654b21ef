import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/**
 * The private bucket that holds files. Nobody reads it directly: the API hands out short-lived
 * presigned GET URLs. TLS is required (aws:SecureTransport and TLS 1.2 at least), ACLs are
 * disabled, and the bucket outlives the stack. No function uses it yet.
 */
export class FileStorage extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'No function reads or writes the bucket yet and clients only ever get presigned URLs; server access logs ' +
        'need a second bucket of their own and are left to the files issue (CloudTrail data events are the alternative).',
    });
  }
}
