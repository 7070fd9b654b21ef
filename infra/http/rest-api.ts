import { Duration, NestedStack, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  EndpointType,
  IdentitySource,
  LogGroupLogDestination,
  RequestAuthorizer,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { PlaneDescription } from '#shared/http/plane';
import type { RouteDefinition } from '#shared/http/route';
import { OsmaFunction } from '#infra/platform/osma-function';
import type { MailSender } from '#infra/platform/mail';
import { JSON_CONTENT_TYPE_VALUE, REQUEST_ID_VALUE } from '#infra/http/methods';
import { RouteGroupStack } from '#infra/http/route-group';
import { routeGroups } from '#infra/http/route-groups';

export interface ApiProps {
  stage: string;
  /** The plane this API serves: its routes, authorizer, gateway answers and guarantees. */
  plane: PlaneDescription;
  table: ITable;
  /** The files bucket, for routes with `fileAccess`. */
  bucket?: IBucket;
  /**
   * The platform's root secret, for planes that sign tokens or keep secrets encrypted: every
   * function of the plane (its authorizer too) may read it, and finds it in OSMA_SECRET_ARN.
   */
  rootSecret?: ISecret;
  /**
   * What routes that send mail (`sendsMail`) need: the stage's sender, when it has one, and where
   * the links in mail lead.
   */
  mail?: { sender?: MailSender; dashboardUrl?: string };
  /** The routes to serve. @default all of the plane's */
  routes?: RouteDefinition[];
  /** The request log indexer, for the public API: its route functions' request lines go to it. */
  requestLogIndexer?: IFunction;
  /** Stage-wide safety net in front of the per-key rate limit the handlers apply. */
  throttle?: { rateLimit: number; burstLimit: number };
}

/**
 * A plane's REST API, made from its route table: one resource per path, one Lambda function per
 * route, the plane's REQUEST authorizer on its header for authenticated routes, an ANY
 * method answering 405 on every path that has methods, and gateway responses in the spec's
 * error format, each with a `request-id` header.
 *
 * It spans three levels of stacks, so that no template nears CloudFormation's 500 resources
 * however many routes the plane grows (docs/deploy.md, "How the app is split"):
 * - the stack it is created in keeps the access log group (retained, like the data);
 * - its nested stack `Gateway` holds the REST API, its deployment and stage, the authorizer and
 *   its function, and the gateway responses: a fixed set, plus one resource per route group;
 * - each route group (the routes under one first path segment, route-groups.ts) is a nested
 *   stack of the gateway's with the group's API Gateway resources, methods and functions.
 */
export class Api extends Construct {
  readonly restApi: RestApi;
  readonly authorizer: RequestAuthorizer;
  readonly authorizerFunction: OsmaFunction;
  /** One function per route, by operationId. */
  readonly functions: Record<string, OsmaFunction> = {};
  readonly accessLogs: LogGroup;
  /** The plane's nested stack: the REST API, its stage, the authorizer. */
  readonly gateway: NestedStack;
  /** The route groups' nested stacks, by construct id (`MembersRoutes`). */
  readonly routeGroups: Record<string, RouteGroupStack> = {};

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { plane } = props;
    const routes = props.routes ?? plane.routes;
    const throttle = props.throttle ?? { rateLimit: 200, burstLimit: 400 };
    // Grouped first: a group too large for its nested stack fails here, before anything is built.
    const groups = routeGroups(routes, plane.basePath);

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      // The record of who called what; it outlives the stack like the data does.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.gateway = new NestedStack(this, 'Gateway', {
      description: `${plane.title} (${props.stage}): REST API, stage, authorizer and gateway responses`,
    });

    this.restApi = new RestApi(this.gateway, 'RestApi', {
      restApiName: plane.name === 'api' ? `osma-${props.stage}` : `osma-${plane.name}-${props.stage}`,
      description: `${plane.title} (${props.stage})`,
      // Callers are servers; an edge-optimized endpoint would only add a CloudFront hop.
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      // Execution logging would need the account-wide API Gateway CloudWatch role; access logs suffice.
      cloudWatchRole: false,
      deployOptions: {
        stageName: props.stage,
        metricsEnabled: true,
        throttlingRateLimit: throttle.rateLimit,
        throttlingBurstLimit: throttle.burstLimit,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: AccessLogFormat.custom(
          jsonLogFormat({
            requestId: AccessLogField.contextRequestId(),
            extendedRequestId: AccessLogField.contextExtendedRequestId(),
            requestTime: AccessLogField.contextRequestTime(),
            ip: AccessLogField.contextIdentitySourceIp(),
            userAgent: AccessLogField.contextIdentityUserAgent(),
            httpMethod: AccessLogField.contextHttpMethod(),
            resourcePath: AccessLogField.contextResourcePath(),
            path: AccessLogField.contextPath(),
            protocol: AccessLogField.contextProtocol(),
            status: AccessLogField.contextStatus(),
            responseLength: AccessLogField.contextResponseLength(),
            responseLatency: AccessLogField.contextResponseLatency(),
            integrationLatency: AccessLogField.contextIntegrationLatency(),
            errorResponseType: AccessLogField.contextErrorResponseType(),
            authorizerError: AccessLogField.contextAuthorizerError(),
            organizationId: AccessLogField.contextAuthorizer('organization_id'),
            mode: AccessLogField.contextAuthorizer('mode'),
          }, {
            // Already a quoted JSON string, so the line stays valid JSON whatever the message holds.
            errorMessage: AccessLogField.contextErrorMessageString(),
          }),
        ),
      },
    });

    const secretEnvironment = props.rootSecret ? { OSMA_SECRET_ARN: props.rootSecret.secretArn } : undefined;
    this.authorizerFunction = new OsmaFunction(this.gateway, 'Authorizer', {
      entry: `functions/${plane.authorizer.handler}.ts`,
      stage: props.stage,
      description: `${plane.title} authorizer on the ${plane.authorizer.header} header (${props.stage})`,
      environment: secretEnvironment,
    });
    this.authorizerFunction.bindTable(props.table, 'read');
    if (plane.authorizer.tableWrites) this.authorizerFunction.bindGuarantees(props.table, plane.authorizer.tableWrites);
    props.rootSecret?.grantRead(this.authorizerFunction);

    this.authorizer = new RequestAuthorizer(this.gateway, plane.name === 'api' ? 'ApiKeyAuthorizer' : 'SessionAuthorizer', {
      handler: this.authorizerFunction,
      identitySources: [IdentitySource.header(plane.authorizer.header)],
      // A revoked key keeps working for at most this long: docs/deploy.md states it.
      resultsCacheTtl: Duration.seconds(plane.authorizer.cacheSeconds),
    });

    const base = this.restApi.root.resourceForPath(plane.basePath);
    for (const group of groups) {
      const stack = new RouteGroupStack(this.gateway, group.id, {
        stage: props.stage,
        plane,
        segment: group.segment,
        routes: group.routes,
        restApi: this.restApi,
        base,
        authorizer: this.authorizer,
        table: props.table,
        bucket: props.bucket,
        rootSecret: props.rootSecret,
        mail: props.mail,
        requestLogIndexer: props.requestLogIndexer,
      });
      this.routeGroups[group.id] = stack;
      Object.assign(this.functions, stack.functions);
    }
    this.addGatewayResponses(plane);

    Validations.of(this.restApi).acknowledge(
      {
        id: 'AwsSolutions-APIG2',
        reason:
          'Requests are validated in each handler with the zod schemas of the route table, which also answer ' +
          'in the spec error format (API Gateway validators would answer in their own).',
      },
      {
        id: 'AwsSolutions-APIG3',
        reason:
          'No AWS WAF web ACL yet (a cost and rule set to decide per deployment): abuse is bounded by API keys, ' +
          'the per-key rate limit and stage throttling. Revisit before the API is opened to self sign-up.',
      },
      {
        id: 'AwsSolutions-APIG6',
        reason:
          'Execution logging needs the account-wide API Gateway CloudWatch role, a regional singleton that other ' +
          'stacks share; JSON access logs record every request with its request id, status, error type and ' +
          'authorizer error, and each function logs its own work.',
      },
    );
  }

  /**
   * API Gateway's own answers in the spec's error format. The two DEFAULT_ types keep the
   * status API Gateway chose: setting one there would rewrite every 4XX (or 5XX, a 504
   * timeout included) to a single code. The others carry the status of their error.
   */
  private addGatewayResponses(plane: PlaneDescription): void {
    const responseHeaders = { 'request-id': REQUEST_ID_VALUE, 'content-type': JSON_CONTENT_TYPE_VALUE };
    for (const [type, error] of Object.entries(plane.gatewayResponses)) {
      const isDefault = type.startsWith('DEFAULT_');
      this.restApi.addGatewayResponse(pascalCase(type), {
        type: ResponseType.of(type),
        ...(isDefault ? {} : { statusCode: String(error.status) }),
        responseHeaders,
        templates: { 'application/json': JSON.stringify(plane.errorBody(error)) },
      });
    }
    this.restApi.addGatewayResponse('Default4xx', {
      type: ResponseType.DEFAULT_4XX,
      responseHeaders,
      templates: { 'application/json': plane.default4xxTemplate },
    });
  }
}

/** One JSON object per request: `quoted` values are written in quotes, `raw` ones (already JSON) as they are. */
function jsonLogFormat(quoted: Record<string, string>, raw: Record<string, string>): string {
  const members = [
    ...Object.entries(quoted).map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`),
    ...Object.entries(raw).map(([name, value]) => `${JSON.stringify(name)}:${value}`),
  ];
  return `{${members.join(',')}}`;
}

function pascalCase(type: string): string {
  return type
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}
