import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  IdentitySource,
  LambdaIntegration,
  LogGroupLogDestination,
  type Method,
  MockIntegration,
  PassthroughBehavior,
  type Resource,
  RequestAuthorizer,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { PlaneDescription } from '#shared/http/plane';
import type { RouteDefinition } from '#shared/http/route';
import { OsmaFunction } from '#infra/platform/osma-function';
import { bundlesAwsSdk } from '#infra/platform/bundling';
import type { MailSender } from '#infra/platform/mail';

/**
 * Header values in gateway responses and integration responses: a literal is quoted in single
 * quotes, a context variable is named bare (no `$`).
 */
const REQUEST_ID_VALUE = 'context.requestId';
const JSON_CONTENT_TYPE_VALUE = "'application/json'";

const MOCK_CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

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
  /** Stage-wide safety net in front of the per-key rate limit the handlers apply. */
  throttle?: { rateLimit: number; burstLimit: number };
}

/**
 * A plane's REST API, made from its route table: one resource per path, one Lambda function per
 * route, the plane's REQUEST authorizer on its header for authenticated routes, an ANY
 * method answering 405 on every path that has methods, and gateway responses in the spec's
 * error format, each with a `request-id` header.
 */
export class Api extends Construct {
  readonly restApi: RestApi;
  readonly authorizer: RequestAuthorizer;
  readonly authorizerFunction: OsmaFunction;
  /** One function per route, by operationId. */
  readonly functions: Record<string, OsmaFunction> = {};
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { plane } = props;
    const routes = props.routes ?? plane.routes;
    const throttle = props.throttle ?? { rateLimit: 200, burstLimit: 400 };

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      // The record of who called what; it outlives the stack like the data does.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.restApi = new RestApi(this, 'RestApi', {
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
    this.authorizerFunction = new OsmaFunction(this, 'Authorizer', {
      entry: `functions/${plane.authorizer.handler}.ts`,
      stage: props.stage,
      description: `${plane.title} authorizer on the ${plane.authorizer.header} header (${props.stage})`,
      environment: secretEnvironment,
    });
    this.authorizerFunction.bindTable(props.table, 'read');
    props.rootSecret?.grantRead(this.authorizerFunction);

    this.authorizer = new RequestAuthorizer(this, plane.name === 'api' ? 'ApiKeyAuthorizer' : 'SessionAuthorizer', {
      handler: this.authorizerFunction,
      identitySources: [IdentitySource.header(plane.authorizer.header)],
      // A revoked key keeps working for at most this long: docs/deploy.md states it.
      resultsCacheTtl: Duration.seconds(plane.authorizer.cacheSeconds),
    });

    const methodsByResource = new Map<Resource, string[]>();
    for (const route of routes) {
      const resource = this.restApi.root.resourceForPath(route.path);
      const fn = new OsmaFunction(this, constructId(route.operationId), {
        entry: `functions/${route.handler}.ts`,
        stage: props.stage,
        description: `${route.method} ${route.path} (${route.operationId}, ${props.stage})`,
        bundleAwsSdk: bundlesAwsSdk(route),
        environment: secretEnvironment,
      });
      props.rootSecret?.grantRead(fn);
      if (route.tableAccess !== 'none') fn.bindTable(props.table, route.tableAccess);
      if (route.tableAccess !== 'readWrite') fn.bindGuarantees(props.table, plane.guaranteeTableAccess(route));
      if (route.fileAccess) {
        if (!props.bucket) throw new Error(`${route.operationId} needs the files bucket: pass it as the bucket prop`);
        fn.bindFiles(props.bucket, route.fileAccess);
      }
      if (route.sendsMail) {
        if (props.mail?.sender) fn.bindMail(props.mail.sender);
        if (props.mail?.dashboardUrl) fn.addEnvironment('OSMA_DASHBOARD_URL', props.mail.dashboardUrl);
      }
      this.functions[route.operationId] = fn;

      const method = resource.addMethod(route.method, new LambdaIntegration(fn, { proxy: true, allowTestInvoke: false }), {
        operationName: route.operationId,
        ...(route.auth !== 'none'
          ? { authorizer: this.authorizer, authorizationType: AuthorizationType.CUSTOM }
          : { authorizationType: AuthorizationType.NONE }),
      });
      acknowledgeMethod(method, route.auth === 'none', plane);
      methodsByResource.set(resource, [...(methodsByResource.get(resource) ?? []), route.method]);
    }

    for (const [resource, methods] of methodsByResource) {
      this.addMethodNotAllowed(resource, methods, plane.methodNotAllowedBody, plane);
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
   * API Gateway answers a known path with an unknown method as if the path did not exist
   * (403 Missing Authentication Token). Explicit methods take precedence over ANY, so an ANY
   * method with a mock integration catches exactly the other methods and answers 405.
   */
  private addMethodNotAllowed(resource: Resource, methods: string[], body: string, plane: PlaneDescription): void {
    const allow = [...new Set(methods)].sort().join(', ');
    const method = resource.addMethod(
      'ANY',
      new MockIntegration({
        passthroughBehavior: PassthroughBehavior.WHEN_NO_MATCH,
        // The mock reads its status from the request template; the usual body types each get one.
        requestTemplates: Object.fromEntries(MOCK_CONTENT_TYPES.map((type) => [type, '{"statusCode": 405}'])),
        integrationResponses: [
          {
            // No selection pattern: this is the default response, whatever the mock answers.
            statusCode: '405',
            responseTemplates: { 'application/json': body },
            responseParameters: {
              'method.response.header.request-id': REQUEST_ID_VALUE,
              'method.response.header.content-type': JSON_CONTENT_TYPE_VALUE,
              'method.response.header.allow': `'${allow}'`,
            },
          },
        ],
      }),
      {
        authorizationType: AuthorizationType.NONE,
        methodResponses: [
          {
            statusCode: '405',
            responseParameters: {
              'method.response.header.request-id': true,
              'method.response.header.content-type': true,
              'method.response.header.allow': true,
            },
          },
        ],
      },
    );
    acknowledgeMethod(method, true, plane);
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

function acknowledgeMethod(method: Method, unauthenticated: boolean, plane: PlaneDescription): void {
  Validations.of(method).acknowledge({
    id: 'AwsSolutions-COG4',
    reason:
      `The ${plane.title} authenticates its callers with the ${plane.authorizer.header} header, checked by the Lambda REQUEST ` +
      'authorizer; Cognito user pools are not part of it (docs/architecture.md says why identity is our own).',
  });
  if (unauthenticated) {
    Validations.of(method).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Deliberately open: a route the route table marks auth "none", or the ANY mock that only answers 405 ' +
        'and reaches no backend.',
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

/** `getMember` -> `GetMember`, `MISSING_AUTHENTICATION_TOKEN` -> `MissingAuthenticationToken`. */
function constructId(operationId: string): string {
  return operationId.charAt(0).toUpperCase() + operationId.slice(1);
}

function pascalCase(type: string): string {
  return type
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}
