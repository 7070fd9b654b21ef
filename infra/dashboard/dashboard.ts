import { existsSync } from 'node:fs';
import path from 'node:path';
import { CfnParameter, Duration, NestedStack, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { CfnRole, Policy, Role } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { RestApiOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { APP_ROUTES_FUNCTION_CODE } from '#infra/dashboard/app-routes-function';
import { cookieSessionFunctionCode } from '#infra/http/cookie-session-function';
import { PROJECT_ROOT } from '#infra/platform/bundling';
import { flattenReference } from '#infra/platform/osma-function';
import type { PlaneDescription } from '#shared/http/plane';
import {
  DASHBOARD_CONTENT_SECURITY_POLICY,
  DASHBOARD_HSTS_SECONDS,
  DASHBOARD_SECURITY_HEADERS,
} from '#shared/http/dashboard-headers';

/** Where `cdk synth` takes the built app from unless `-c dashboardAssets=<dir>` says otherwise. */
export const DEFAULT_DASHBOARD_ASSETS = path.join(PROJECT_ROOT, 'web', 'dist');

/** Cache-Control of the hashed files under /assets/: their name changes with their content. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** Cache-Control of index.html and config.json: always revalidated, so a deploy shows at once. */
export const PAGE_CACHE_CONTROL = 'no-cache';

export interface DashboardProps {
  stage: string;
  /** The built app (`web/dist`): index.html and assets/. */
  assets: string;
  /** The management API, served under `/v1/*` on the dashboard's origin. */
  managementApi: RestApi;
  /** Its plane, for the cookie-session function's refusal body. */
  managementPlane: PlaneDescription;
  /** The public API, whose base URL the Home page reads from /config.json. */
  publicApi: RestApi;
  /** Where the bucket's S3 server access logs go. */
  accessLogs: IBucket;
}

/**
 * The deployed dashboard: the built app in a private bucket (in the stage's stack) that only the
 * distribution reads (Origin Access Control), and, in a nested stack of its own, the CloudFront
 * distribution that serves it and the management API on one origin, its functions and policies,
 * and the deployments that copy the build (docs/dashboard.md, "Deployed"):
 * - default behaviour: the bucket, never cached at the edge, app routes rewritten to /index.html;
 * - `/assets/*`: the bucket, cached for good (the names carry a content hash);
 * - `/v1/*`: the management API's stage, never cached, every viewer header but Host forwarded,
 *   with the cookie-session function turning the session cookie into a bearer token.
 */
export class Dashboard extends Construct {
  readonly stack: NestedStack;
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly url: string;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    if (!existsSync(path.join(props.assets, 'index.html'))) {
      throw new Error(
        `The dashboard is not built: ${props.assets} has no index.html. Build it with \`cd web && npx vite build\` ` +
          '(`npm run synth` builds it when it is missing or stale), or pass `-c dashboardAssets=<dir>`.',
      );
    }
    this.stack = new NestedStack(this, 'Stack', {
      description: `Osma dashboard (${props.stage}): its bucket, distribution and functions`,
    });

    // In the stage's stack, like the other buckets: so the log bucket's policy can name it as the
    // only source of dashboard/ logs (CDK drops that condition across stacks).
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'dashboard/',
      // Retained like every bucket of the stage: a deleted stack cannot empty it without one more
      // custom resource, and CloudFormation refuses to delete a bucket that is not empty.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const securityHeaders = new ResponseHeadersPolicy(this.stack, 'SecurityHeaders', {
      comment: `Osma dashboard (${props.stage}): the local dashboard's security headers, and HSTS`,
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: DASHBOARD_CONTENT_SECURITY_POLICY, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.seconds(DASHBOARD_HSTS_SECONDS),
          includeSubdomains: false,
          override: true,
        },
      },
      customHeadersBehavior: {
        customHeaders: [
          {
            header: 'Cross-Origin-Opener-Policy',
            value: DASHBOARD_SECURITY_HEADERS['cross-origin-opener-policy']!,
            override: true,
          },
        ],
      },
    });

    const appRoutes = new CloudFrontFunction(this.stack, 'AppRoutes', {
      comment: 'Serves /index.html for every page of the dashboard',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(APP_ROUTES_FUNCTION_CODE),
    });
    const cookieSession = new CloudFrontFunction(this.stack, 'CookieSession', {
      comment: 'Checks CSRF and turns the session cookie into Authorization on /v1/*',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(cookieSessionFunctionCode(props.managementPlane)),
    });

    const bucketOrigin = S3BucketOrigin.withOriginAccessControl(this.bucket);
    this.distribution = new Distribution(this.stack, 'Distribution', {
      comment: `Osma dashboard (${props.stage})`,
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin: bucketOrigin,
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        // TTL 0: index.html and config.json are read from the bucket on every request.
        cachePolicy: CachePolicy.CACHING_DISABLED,
        responseHeadersPolicy: securityHeaders,
        functionAssociations: [{ function: appRoutes, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        '/assets/*': {
          origin: bucketOrigin,
          viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: CachePolicy.CACHING_OPTIMIZED,
          responseHeadersPolicy: securityHeaders,
        },
        '/v1/*': {
          origin: new RestApiOrigin(props.managementApi),
          // The cookie-session function builds the origin as https://<Host>.
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          // Only with caching off does CloudFront forward Authorization; every answer is personal anyway.
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: securityHeaders,
          functionAssociations: [{ function: cookieSession, eventType: FunctionEventType.VIEWER_REQUEST }],
        },
      },
    });
    this.url = `https://${this.distribution.distributionDomainName}`;

    // The deployments write to the bucket through a parameter of this stack's own naming, so that
    // cdk-nag's finding on their grant has a name known here (acknowledgeDeploymentHandler).
    const bucketArn = new CfnParameter(this.stack, DEPLOYED_BUCKET_PARAMETER, { type: 'String', description: "The dashboard bucket's ARN" });
    this.stack.setParameter(DEPLOYED_BUCKET_PARAMETER, this.bucket.bucketArn);
    const target = Bucket.fromBucketArn(this.stack, 'Target', bucketArn.valueAsString);

    // The copying function's own logs (CDK's default log group would keep them for ever).
    const deploymentLogs = new LogGroup(this.stack, 'DeploymentLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Hashed files first, and never pruned: a page loaded before a deploy still finds its chunks.
    const assets = new BucketDeployment(this.stack, 'DeployAssets', {
      destinationBucket: target,
      destinationKeyPrefix: 'assets/',
      sources: [Source.asset(path.join(props.assets, 'assets'))],
      cacheControl: [CacheControl.fromString(IMMUTABLE_CACHE_CONTROL)],
      prune: false,
      logGroup: deploymentLogs,
    });
    // Then the pages, which name the new files; pruning leaves assets/ alone.
    const pages = new BucketDeployment(this.stack, 'DeployPages', {
      destinationBucket: target,
      sources: [
        Source.asset(props.assets, { exclude: ['assets', 'assets/**', '.source-hash'] }),
        Source.jsonData('config.json', { apiUrl: props.publicApi.url }),
      ],
      exclude: ['assets/*'],
      cacheControl: [CacheControl.fromString(PAGE_CACHE_CONTROL)],
      logGroup: deploymentLogs,
    });
    pages.node.addDependency(assets);

    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'The dashboard is for the people of every organization, wherever they are; sign-in is the gate, not geography.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'No AWS WAF web ACL yet, as on the APIs (a cost and rule set to decide per deployment, and a CloudFront ACL lives ' +
          'in us-east-1): the bucket serves only static files, and /v1/ keeps its own stage throttling, login throttles ' +
          'and CSRF checks. Revisit with the APIs.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          "Standard logging needs an ACL-enabled log bucket, and the stage's log bucket has ACLs disabled on purpose. " +
          'Every request that reaches a backend is logged there: /v1/ in the management API access logs, the files in ' +
          "the bucket's S3 server access logs.",
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain the distribution has the *.cloudfront.net default certificate, whose security policy ' +
          'CloudFront fixes at TLSv1 (browsers negotiate TLS 1.2 or 1.3 anyway). A stage with its own domain and ACM ' +
          'certificate sets TLSv1.2_2021.',
      },
    );
    this.acknowledgeDeploymentHandler(assets);
  }

  /**
   * The function CDK adds to copy the build into the bucket at deploy (one per stack): cdk-nag 3
   * names each wildcard as a finding of its own, so each is acknowledged by name, read from the
   * role CDK made. Only CDK's S3 action sets, and objects of this bucket or of CDK's asset
   * bucket, are accepted: anything else fails the synth rather than being waved through.
   */
  private acknowledgeDeploymentHandler(deployment: BucketDeployment): void {
    const role = deployment.handlerRole as Role;
    const handler = role.node.scope!;
    const stack = Stack.of(role);
    const managed = (stack.resolve((role.node.defaultChild as CfnRole).managedPolicyArns) ?? []) as unknown[];
    const statements = stack.resolve((role.node.findChild('DefaultPolicy') as Policy).document.toJSON()).Statement as {
      Action: string | string[];
      Resource: unknown;
    }[];
    const ownObjects = `<${DEPLOYED_BUCKET_PARAMETER}>/*`;
    const findings = new Set<string>();
    for (const statement of statements) {
      for (const action of [statement.Action].flat().filter((name) => name.includes('*'))) {
        if (!DEPLOYMENT_WILDCARD_ACTIONS.includes(action)) throw new Error(`Unexpected wildcard action ${action} on the dashboard's deployment handler`);
        findings.add(`Action::${action}`);
      }
      for (const resource of [statement.Resource].flat().map(flattenReference).filter((name) => name.includes('*'))) {
        if (resource !== ownObjects && !/^arn:(aws[\w-]*|<AWS::Partition>):s3:::cdk-[a-z0-9]+-assets-[^/]+\/\*$/.test(resource)) {
          throw new Error(`Unexpected wildcard resource ${resource} on the dashboard's deployment handler`);
        }
        findings.add(`Resource::${resource}`);
      }
    }
    Validations.of(handler).acknowledge(
      ...managed.map((arn) => ({
        id: `AwsSolutions-IAM4[Policy::${flattenReference(arn)}]`,
        reason: "CDK's BucketDeployment handler role comes with AWSLambdaBasicExecutionRole (its own logs); it runs only during a deploy.",
      })),
      ...[...findings].map((finding) => ({
        id: `AwsSolutions-IAM5[${finding}]`,
        reason:
          "CDK's BucketDeployment grants: its S3 read set on the CDK asset bucket's objects (the zipped build) and its " +
          "read/write set on this bucket's objects, whose keys are the build's file names.",
      })),
      {
        id: 'AwsSolutions-L1',
        reason: "The runtime of CDK's BucketDeployment handler is chosen by aws-cdk-lib and moves with its upgrades.",
      },
    );
  }
}

const DEPLOYED_BUCKET_PARAMETER = 'DashboardBucketArn';

/** The wildcard actions of CDK's S3 read and read/write grants, which the deployment handler gets. */
const DEPLOYMENT_WILDCARD_ACTIONS = ['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*'];
