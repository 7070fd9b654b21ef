import { readdirSync, readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { publicPlane } from '#shared/api/plane';
import { FILE_ACCESS_LOG_DAYS } from '#infra/api/files';
import { FILE_ACTIONS } from '#infra/platform/osma-function';
import { REQUEST_LINE_FILTER, REQUEST_LOG_INDEXER_ACTIONS } from '#infra/identity/request-log-indexer';
import { OsmaStack } from '#infra/stack';
import { WEBHOOK_MAX_RECEIVE_COUNT, WEBHOOK_VISIBILITY_TIMEOUT_SECONDS } from '#infra/api/queue';
import { ROUTER_RETRY_ATTEMPTS, ROUTER_TABLE_ACTIONS, SENDER_TABLE_ACTIONS, SENDER_TIMEOUT_SECONDS } from '#infra/api/webhooks';
import { ROUTER_FILTERS } from '#shared/api/webhooks/stream-filter';
import { authorizerCacheSeconds } from '#shared/http/authorizer-cache';
import {
  DEFAULT_4XX_TEMPLATE,
  GATEWAY_RESPONSES,
  METHOD_NOT_ALLOWED_BODY,
} from '#shared/api/gateway-responses';
import { objectKeyPatterns } from '#shared/api/files/keys';
import { routeList } from '#shared/api/routes';
import { identityRouteList } from '#shared/identity/routes';
import { jsonApiErrors } from '#shared/http/jsonapi';
import { identityPlane } from '#shared/identity/plane';
import { TABLE_DEFINITION } from '#shared/platform/table';
import { DASHBOARD_FIXTURE, flatTemplate, logicalId } from '#test/infra/templates';

const STAGE = 'test';
/**
 * Settings that only the local stack's process honours (shared/api/webhooks/settings.ts,
 * shared/platform/mail.ts, shared/platform/secrets.ts); no deployed function may carry one.
 */
const LOCAL_ONLY_SETTINGS = ['OSMA_WEBHOOK_ALLOW_LOOPBACK', 'OSMA_WEBHOOK_SENDER_FAULT', 'OSMA_LOCAL_MAIL_DIR', 'OSMA_SECRET_FILE'];
const WRITE_ACTION = /PutItem|UpdateItem|DeleteItem|TransactWrite|BatchWrite/;

/**
 * CDK's function that copies the built dashboard into its bucket during a deploy (BucketDeployment):
 * not an Osma function, so not held to their defaults; test/infra/dashboard.test.ts checks it.
 */
const DASHBOARD_COPIER = /\.CustomCDKBucketDeployment/;
const notCopier = ([id]: [string, unknown]) => !DASHBOARD_COPIER.test(id);

type Resources = Record<string, { Type: string; Properties?: Record<string, any>; DeletionPolicy?: string }>;

/** The same feature flags `cdk synth` uses, with esbuild bundling skipped for speed. */
function makeApp(): App {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'));
  return new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], dashboardAssets: DASHBOARD_FIXTURE } });
}


function ofType(resources: Resources, type: string) {
  return Object.entries(resources).filter(([, resource]) => resource.Type === type);
}

/** `/members/{id}` for every AWS::ApiGateway::Resource logical id, by walking ParentId up to the root. */
function resourcePaths(resources: Resources): Map<string, string> {
  const paths = new Map<string, string>();
  const pathOf = (id: string): string => {
    const known = paths.get(id);
    if (known) return known;
    const properties = resources[id]!.Properties!;
    const parent = properties.ParentId as { Ref?: string };
    const path = `${parent.Ref ? pathOf(parent.Ref) : ''}/${properties.PathPart}`;
    paths.set(id, path);
    return path;
  };
  for (const [id] of ofType(resources, 'AWS::ApiGateway::Resource')) pathOf(id);
  return paths;
}

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

/** Every statement of every IAM policy attached to the role. */
function roleStatements(resources: Resources, roleId: string): Statement[] {
  return ofType(resources, 'AWS::IAM::Policy')
    .filter(([, policy]) => (policy.Properties!.Roles as { Ref: string }[]).some((role) => role.Ref === roleId))
    .flatMap(([, policy]) => policy.Properties!.PolicyDocument.Statement as Statement[]);
}

/** Every action of every IAM policy attached to the role. */
function roleActions(resources: Resources, roleId: string): string[] {
  return roleStatements(resources, roleId).flatMap((statement) => [statement.Action].flat());
}

describe('OsmaStack', () => {
  let app: App;
  let stack: OsmaStack;
  let template: Template;
  let resources: Resources;

  beforeAll(() => {
    // Prepare
    app = makeApp();
    stack = new OsmaStack(app, 'OsmaTest', { stage: STAGE });

    // Act
    // Every nested stack's resources beside the stage stack's, references resolved (templates.ts).
    template = flatTemplate(stack);
    resources = template.toJSON().Resources as Resources;
  });

  it('makes exactly one Lambda function per route plus the authorizer and the webhook router and sender, each with the Osma defaults', () => {
    // Prepare
    const tableRef = { Ref: logicalId(stack.table) };

    // Act
    const functions = Object.fromEntries(Object.entries(template.findResources('AWS::Lambda::Function')).filter(notCopier));

    // Assess
    // Two authorizers (API keys, sessions), the webhook router and sender, the platform function, the request log indexer.
    expect(Object.keys(functions)).toHaveLength(routeList.length + identityRouteList.length + 6);
    for (const route of routeList) {
      const fn = stack.api.functions[route.operationId];
      expect(fn, route.operationId).toBeDefined();
      const properties = functions[logicalId(fn!)]!.Properties;
      expect(properties.Description).toBe(`${route.method} ${route.path} (${route.operationId}, ${STAGE})`);
      expect(properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: 512,
        Timeout: 10,
        LoggingConfig: { LogGroup: { Ref: expect.stringContaining('Logs') } },
        Environment: {
          Variables: {
            NODE_OPTIONS: '--enable-source-maps',
            POWERTOOLS_SERVICE_NAME: 'osma-api',
            OSMA_STAGE: STAGE,
            ...(route.tableAccess === 'none' ? {} : { OSMA_TABLE_NAME: tableRef }),
          },
        },
      });
    }
    expect(functions[logicalId(stack.api.authorizerFunction)]!.Properties.Environment.Variables.OSMA_TABLE_NAME).toEqual(
      tableRef,
    );
  });

  it('keeps every function log group for one month', () => {
    // Act
    const functionLogGroups = Object.values(template.findResources('AWS::Lambda::Function')).map(
      (fn) => fn.Properties.LoggingConfig.LogGroup.Ref as string,
    );

    // Assess
    for (const id of functionLogGroups) {
      expect(resources[id]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } });
    }
  });

  it('exposes each route as its method on its path, behind the API key authorizer when auth is apiKey', () => {
    // Prepare
    const paths = resourcePaths(resources);
    const authorizerId = logicalId(stack.api.authorizer);
    const methods = ofType(resources, 'AWS::ApiGateway::Method').map(
      ([, method]): Record<string, any> => ({
        ...method.Properties!,
        path: paths.get(method.Properties!.ResourceId.Ref as string),
      }),
    );

    // Act / Assess
    for (const route of routeList) {
      const found = methods.filter((method) => method.path === route.path && method.HttpMethod === route.method);
      expect(found, `${route.method} ${route.path}`).toHaveLength(1);
      const method = found[0]!;
      expect(method.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
      expect(JSON.stringify(method.Integration.Uri)).toContain(logicalId(stack.api.functions[route.operationId]!));
      if (route.auth === 'apiKey') {
        expect(method).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } });
      } else {
        expect(method.AuthorizationType).toBe('NONE');
        expect(method.AuthorizerId).toBeUndefined();
      }
    }
  });

  it('uses one cached REQUEST authorizer per plane: osma-api-key on the public API, Authorization on the management API', () => {
    // Act
    const authorizers = template.findResources('AWS::ApiGateway::Authorizer');
    const ofApi = (api: { restApi: { node: { defaultChild?: unknown } } }) =>
      Object.values(authorizers).filter((authorizer) => authorizer.Properties.RestApiId.Ref === logicalId(api.restApi));

    // Assess
    expect(Object.values(authorizers)).toHaveLength(2);
    expect(ofApi(stack.managementApi)).toHaveLength(1);
    expect(ofApi(stack.managementApi)[0]!.Properties).toMatchObject({
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.authorization',
      AuthorizerResultTtlInSeconds: authorizerCacheSeconds(),
    });
    expect(JSON.stringify(ofApi(stack.managementApi)[0]!.Properties.AuthorizerUri)).toContain(logicalId(stack.managementApi.authorizerFunction));
    expect(ofApi(stack.api)).toHaveLength(1);
    const properties = ofApi(stack.api)[0]!.Properties;
    expect(properties).toMatchObject({
      Type: 'REQUEST',
      IdentitySource: `method.request.header.${publicPlane.authorizer.header}`,
      AuthorizerResultTtlInSeconds: authorizerCacheSeconds(),
    });
    expect(JSON.stringify(properties.AuthorizerUri)).toContain(logicalId(stack.api.authorizerFunction));
  });

  it('answers any other method on a known path with a 405 mock, without an authorizer', () => {
    // Prepare
    const paths = resourcePaths(resources);
    const routePaths = [...new Set(routeList.map((route) => route.path))];

    // Act
    const publicMethods = ofType(resources, 'AWS::ApiGateway::Method').filter(
      ([, method]) => method.Properties!.RestApiId.Ref === logicalId(stack.restApi),
    );
    const anyMethods = publicMethods.map(([, method]) => method.Properties!).filter((method) => method.HttpMethod === 'ANY');

    // Assess
    expect(anyMethods.map((method) => paths.get(method.ResourceId.Ref)).sort()).toEqual(routePaths.sort());
    expect(publicMethods).toHaveLength(routeList.length + routePaths.length);
    for (const method of anyMethods) {
      const allowed = routeList
        .filter((route) => route.path === paths.get(method.ResourceId.Ref))
        .map((route) => route.method)
        .sort()
        .join(', ');
      expect(method).toMatchObject({
        AuthorizationType: 'NONE',
        Integration: {
          Type: 'MOCK',
          RequestTemplates: { 'application/json': '{"statusCode": 405}' },
          IntegrationResponses: [
            {
              StatusCode: '405',
              ResponseTemplates: { 'application/json': METHOD_NOT_ALLOWED_BODY },
              ResponseParameters: {
                'method.response.header.request-id': 'context.requestId',
                'method.response.header.content-type': "'application/json'",
                'method.response.header.allow': `'${allowed}'`,
              },
            },
          ],
        },
        MethodResponses: [{ StatusCode: '405' }],
      });
      expect(method.Integration.IntegrationResponses[0].SelectionPattern).toBeUndefined();
      expect(method.AuthorizerId).toBeUndefined();
    }
  });

  it('builds the table from TABLE_DEFINITION: keys, every GSI, stream, PITR, TTL, on demand, retained', () => {
    // Act
    const tables = template.findResources('AWS::DynamoDB::Table');

    // Assess
    expect(Object.values(tables)).toHaveLength(1);
    const table = Object.values(tables)[0]!;
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
    });
    expect(table.Properties.GlobalSecondaryIndexes).toEqual(
      TABLE_DEFINITION.globalIndexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    );
    expect(table.Properties.GlobalSecondaryIndexes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          IndexName: 'gsi1',
          KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }, { AttributeName: 'gsi1sk', KeyType: 'RANGE' }],
        }),
        expect.objectContaining({
          IndexName: 'gsi2',
          KeySchema: [{ AttributeName: 'gsi2pk', KeyType: 'HASH' }, { AttributeName: 'gsi2sk', KeyType: 'RANGE' }],
        }),
      ]),
    );
    const indexKeys = TABLE_DEFINITION.globalIndexes.flatMap((index) => [index.partitionKey, index.sortKey]);
    const stringKeys = ['pk', 'sk', ...indexKeys];
    expect(table.Properties.AttributeDefinitions).toEqual(
      expect.arrayContaining(stringKeys.map((name) => ({ AttributeName: name, AttributeType: 'S' }))),
    );
  });

  it('answers every gateway response in the spec error format with a request-id header', () => {
    // Prepare
    const headers = {
      'gatewayresponse.header.request-id': 'context.requestId',
      'gatewayresponse.header.content-type': "'application/json'",
    };

    // Act
    const responses = Object.values(template.findResources('AWS::ApiGateway::GatewayResponse'))
      .map((response) => response.Properties)
      .filter((response) => response.RestApiId.Ref === logicalId(stack.restApi));

    // Assess
    expect(responses).toHaveLength(Object.keys(GATEWAY_RESPONSES).length + 1);
    for (const [type, error] of Object.entries(GATEWAY_RESPONSES)) {
      const response = responses.find((candidate) => candidate.ResponseType === type);
      expect(response, type).toBeDefined();
      expect(response.ResponseParameters).toEqual(headers);
      expect(response.ResponseTemplates).toEqual({ 'application/json': JSON.stringify(error.toBody()) });
      if (type.startsWith('DEFAULT_')) {
        // A status here would rewrite every response of the class (a 504 timeout included).
        expect(response.StatusCode, type).toBeUndefined();
      } else {
        expect(response.StatusCode, type).toBe(String(error.status));
      }
    }
    expect(responses.find((response) => response.ResponseType === 'ACCESS_DENIED').StatusCode).toBe('401');
    expect(responses.find((response) => response.ResponseType === 'MISSING_AUTHENTICATION_TOKEN').StatusCode).toBe('404');
    expect(responses.find((response) => response.ResponseType === 'DEFAULT_4XX')).toMatchObject({
      ResponseParameters: headers,
      ResponseTemplates: { 'application/json': DEFAULT_4XX_TEMPLATE },
    });
  });

  it('deploys the stage with JSON access logs, metrics and throttling', () => {
    // Act
    const stages = Object.values(template.findResources('AWS::ApiGateway::Stage'));

    // Assess
    expect(stages).toHaveLength(2);
    const stage = stages.find((candidate) => candidate.Properties.RestApiId.Ref === logicalId(stack.restApi))!;
    expect(stage.Properties).toMatchObject({
      StageName: STAGE,
      MethodSettings: [{ MetricsEnabled: true, ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 }],
    });
    expect(JSON.stringify(stage.Properties.AccessLogSetting.DestinationArn)).toContain(logicalId(stack.api.accessLogs));
    // Every access log line must parse as JSON, whatever the variables hold.
    const sampleLine = (stage.Properties.AccessLogSetting.Format as string)
      .replaceAll(/"\$[^"]*"/g, '"value"')
      .replaceAll(/\$context\.error\.messageString/g, '"a \\"quoted\\" message"');
    expect(JSON.parse(sampleLine)).toMatchObject({ requestId: 'value', status: 'value', errorMessage: 'a "quoted" message' });
    const apiUrl = JSON.stringify(template.findOutputs('ApiUrl').ApiUrl?.Value);
    expect(apiUrl).toContain(logicalId(stack.restApi));
    expect(apiUrl).toContain(JSON.stringify({ Ref: logicalId(stack.restApi.deploymentStage) }));
    template.hasOutput('TableName', { Value: { Ref: logicalId(stack.table) } });
  });

  it('redrives undeliverable webhooks to an encrypted, TLS-only dead-letter queue', () => {
    // Prepare
    const dlqId = logicalId(stack.webhookDeadLetterQueue);

    // Act
    const queue = resources[logicalId(stack.webhookQueue)]!;

    // Assess
    expect(queue.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: WEBHOOK_MAX_RECEIVE_COUNT },
    });
    expect(resources[dlqId]!.Properties).toMatchObject({ SqsManagedSseEnabled: true });
    for (const id of [logicalId(stack.webhookQueue), dlqId]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('keeps the files bucket private, encrypted, TLS-only and retained', () => {
    // Prepare
    const bucketId = logicalId(stack.bucket);

    // Act
    const bucket = resources[bucketId]!;

    // Assess
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('logs every request to the files bucket in a private access-log bucket, and lets browsers PUT and GET', () => {
    // Prepare
    const bucketId = logicalId(stack.bucket);
    const logsId = logicalId(stack.files.accessLogs);

    // Act
    const bucket = resources[bucketId]!;
    const logs = resources[logsId]!;

    // Assess
    expect(bucket.Properties).toMatchObject({
      LoggingConfiguration: { DestinationBucketName: { Ref: logsId }, LogFilePrefix: 'files/' },
      CorsConfiguration: {
        CorsRules: [{ AllowedMethods: ['PUT', 'GET'], AllowedOrigins: ['*'], AllowedHeaders: ['content-type'] }],
      },
    });
    expect(logs.DeletionPolicy).toBe('Retain');
    expect(logs.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: FILE_ACCESS_LOG_DAYS, Status: 'Enabled' }] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logsId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' }),
        ]),
      },
    });
  });

  it('lets only the file routes reach the bucket: one action each, on the file key scheme only', () => {
    // Prepare
    const bucketArn = { 'Fn::GetAtt': [logicalId(stack.bucket), 'Arn'] };
    const fileRoutes = routeList.filter((route) => route.fileAccess);
    const otherFunctions = [
      ...routeList.filter((route) => !route.fileAccess).map((route) => stack.api.functions[route.operationId]!),
      stack.api.authorizerFunction,
    ];
    expect(fileRoutes.map((route) => [route.operationId, route.fileAccess])).toEqual([
      ['createFile', 'upload'],
      ['getFile', 'download'],
    ]);
    const functions = template.findResources('AWS::Lambda::Function');
    const s3Statements = (fn: (typeof otherFunctions)[number]) =>
      roleStatements(resources, logicalId(fn.serviceRole)).filter((statement) =>
        [statement.Action].flat().some((action) => action.startsWith('s3:')),
      );

    // Act / Assess
    for (const route of fileRoutes) {
      const fn = stack.api.functions[route.operationId]!;
      const statements = s3Statements(fn);
      expect(statements, route.operationId).toHaveLength(1);
      const patterns = objectKeyPatterns().map((pattern) => ({ 'Fn::Join': ['', [bucketArn, `/${pattern}`]] }));
      expect(statements[0]).toEqual({
        Effect: 'Allow',
        Action: FILE_ACTIONS[route.fileAccess!].join(),
        Resource: expect.arrayContaining(patterns),
      });
      expect(statements[0]!.Resource).toHaveLength(patterns.length);
      expect(functions[logicalId(fn)]!.Properties.Environment.Variables.OSMA_FILES_BUCKET).toEqual({
        Ref: logicalId(stack.bucket),
      });
    }
    expect(objectKeyPatterns()).toEqual(['files/org_*/test/file_*', 'files/org_*/live/file_*']);
    expect(FILE_ACTIONS).toEqual({ upload: ['s3:PutObject'], download: ['s3:GetObject'] });
    for (const fn of otherFunctions) {
      expect(s3Statements(fn), fn.node.id).toEqual([]);
      expect(functions[logicalId(fn)]!.Properties.Environment.Variables.OSMA_FILES_BUCKET, fn.node.id).toBeUndefined();
    }
    // No role anywhere may list the bucket or reach it as a whole.
    const everyStatement = ofType(resources, 'AWS::IAM::Policy').flatMap(
      ([, policy]) => policy.Properties!.PolicyDocument.Statement as Statement[],
    );
    expect(JSON.stringify(everyStatement)).not.toContain('s3:ListBucket');
    for (const statement of everyStatement) {
      for (const resource of [statement.Resource].flat()) expect(resource).not.toEqual(bucketArn);
    }
  });

  it("grants read routes no write action but the rate-limit counter and the authorizer none but a key's last use, write routes their writes, and nothing on *", () => {
    // Prepare
    const readers = [
      ...routeList.filter((route) => route.tableAccess === 'read').map((route) => stack.api.functions[route.operationId]!),
      stack.api.authorizerFunction,
    ];
    const writers = routeList
      .filter((route) => route.tableAccess === 'readWrite')
      .map((route) => stack.api.functions[route.operationId]!);
    expect(readers.length).toBeGreaterThan(1);
    expect(writers.length).toBeGreaterThan(0);

    // Act
    const actionsOf = (fn: (typeof readers)[number]) => roleActions(resources, logicalId(fn.serviceRole));

    // Assess
    for (const fn of readers) {
      const actions = actionsOf(fn);
      expect(actions).toContain('dynamodb:GetItem');
      expect(actions).toContain('dynamodb:Query');
      expect(actions).not.toContain('dynamodb:Scan');
      // The only write a reader has is the rate limiter's counter, held to its key shape.
      const writing = roleStatements(resources, logicalId(fn.serviceRole)).filter((statement) =>
        [statement.Action].flat().some((action) => WRITE_ACTION.test(action)),
      );
      // The authorizer's is an API key's last use, held to the key records.
      const leadingKeys = fn === stack.api.authorizerFunction ? ['APIKEY#*'] : ['ORG#org_*#RATE#*'];
      for (const statement of writing) {
        expect(statement.Action).toEqual('dynamodb:UpdateItem');
        expect(statement.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeys } });
      }
    }
    expect(actionsOf(stack.api.authorizerFunction)).toContain('dynamodb:UpdateItem');
    const readRoutes = routeList.filter((route) => route.tableAccess === 'read');
    for (const route of readRoutes) {
      expect(actionsOf(stack.api.functions[route.operationId]!), route.operationId).toContain('dynamodb:UpdateItem');
    }
    for (const fn of writers) {
      expect(actionsOf(fn)).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:GetItem']));
    }
    const statements = ofType(resources, 'AWS::IAM::Policy').filter(notCopier).flatMap(
      ([, policy]) => policy.Properties!.PolicyDocument.Statement as { Resource: unknown; Action: unknown }[],
    );
    for (const statement of statements) {
      expect(JSON.stringify(statement.Action)).not.toContain('*');
      // dynamodb:ListStreams (the stream event source's) supports no resource-level permission.
      if (JSON.stringify(statement.Action) === '"dynamodb:ListStreams"') continue;
      expect(JSON.stringify(statement.Resource)).not.toMatch(/"\*"|\/index\/\*/);
    }
    expect(Object.keys(template.findResources('AWS::IAM::Role', { Properties: { ManagedPolicyArns: Match.anyValue() } })).filter((id) => !DASHBOARD_COPIER.test(id))).toEqual([]);
  });

  it('feeds the webhook router from the table stream: new events and resend requests only, batch failures reported, bounded retries into the DLQ', () => {
    // Prepare
    const routerId = logicalId(stack.webhookPipeline.router);

    // Act
    const mappings = ofType(resources, 'AWS::Lambda::EventSourceMapping')
      .map(([, mapping]) => mapping.Properties!)
      .filter((mapping) => mapping.FunctionName.Ref === routerId);

    // Assess
    expect(mappings).toHaveLength(1);
    const mapping = mappings[0]!;
    expect(mapping).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.table), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: ROUTER_RETRY_ATTEMPTS,
      ParallelizationFactor: 1,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(stack.webhookDeadLetterQueue), 'Arn'] } } },
    });
    expect(mapping.FilterCriteria.Filters.map((filter: { Pattern: string }) => JSON.parse(filter.Pattern))).toEqual(ROUTER_FILTERS);
  });

  it('feeds the webhook sender from the queue with partial batch responses, within the queue visibility timeout', () => {
    // Prepare
    const senderId = logicalId(stack.webhookPipeline.sender);

    // Act
    const mappings = ofType(resources, 'AWS::Lambda::EventSourceMapping')
      .map(([, mapping]) => mapping.Properties!)
      .filter((mapping) => mapping.FunctionName.Ref === senderId);
    const sender = resources[senderId]!.Properties!;
    const queue = resources[logicalId(stack.webhookQueue)]!.Properties!;

    // Assess
    expect(mappings).toEqual([
      expect.objectContaining({
        EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.webhookQueue), 'Arn'] },
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      }),
    ]);
    expect(sender.Timeout).toBe(SENDER_TIMEOUT_SECONDS);
    expect(queue.VisibilityTimeout).toBe(WEBHOOK_VISIBILITY_TIMEOUT_SECONDS);
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * sender.Timeout);
    for (const fn of [stack.webhookPipeline.router, stack.webhookPipeline.sender]) {
      expect(resources[logicalId(fn)]!.Properties!.Environment.Variables).toMatchObject({
        OSMA_TABLE_NAME: { Ref: logicalId(stack.table) },
        OSMA_WEBHOOK_QUEUE_URL: { Ref: logicalId(stack.webhookQueue) },
        OSMA_STAGE: STAGE,
      });
    }
  });

  it('gives the router table reads, stream reads and SendMessage, the sender table reads and writes and the queue consumer actions, and the API no queue', () => {
    // Prepare
    const statementsOf = (fn: { serviceRole: unknown }) =>
      ofType(resources, 'AWS::IAM::Policy')
        .filter(([, policy]) =>
          (policy.Properties!.Roles as { Ref: string }[]).some((role) => role.Ref === logicalId(fn.serviceRole as never)),
        )
        .flatMap(([, policy]) => policy.Properties!.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
        .map((statement) => ({ actions: [statement.Action].flat(), resource: JSON.stringify(statement.Resource) }));
    const queueArn = JSON.stringify({ 'Fn::GetAtt': [logicalId(stack.webhookQueue), 'Arn'] });
    const dlqArn = JSON.stringify({ 'Fn::GetAtt': [logicalId(stack.webhookDeadLetterQueue), 'Arn'] });
    const streamArn = JSON.stringify({ 'Fn::GetAtt': [logicalId(stack.table), 'StreamArn'] });

    // Act
    const router = statementsOf(stack.webhookPipeline.router);
    const sender = statementsOf(stack.webhookPipeline.sender);
    const actions = (statements: typeof router) => statements.flatMap((statement) => statement.actions);
    const on = (statements: typeof router, arn: string) =>
      statements.filter((statement) => statement.resource.includes(arn)).flatMap((statement) => statement.actions);

    const tableArn = JSON.stringify({ 'Fn::GetAtt': [logicalId(stack.table), 'Arn'] });
    const onTable = (statements: typeof router) =>
      statements.filter((statement) => statement.resource.includes(tableArn)).flatMap((statement) => statement.actions);

    // Assess: the router may Query the table (no index, no write), read the stream, and send
    expect(onTable(router)).toEqual([...ROUTER_TABLE_ACTIONS]);
    expect(ROUTER_TABLE_ACTIONS).toEqual(['dynamodb:Query']);
    expect(router.filter((statement) => statement.resource.includes('/index/'))).toEqual([]);
    expect(actions(router).filter((action) => WRITE_ACTION.test(action))).toEqual([]);
    expect(actions(router)).toEqual(expect.arrayContaining(['dynamodb:GetRecords', 'dynamodb:GetShardIterator']));
    expect(on(router, queueArn)).toContain('sqs:SendMessage');
    expect(on(router, queueArn).filter((action) => /Receive|Delete|ChangeMessageVisibility/.test(action))).toEqual([]);
    expect(on(router, dlqArn)).toContain('sqs:SendMessage');
    expect(on(router, streamArn).sort()).toEqual(['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator']);
    expect(router.filter((statement) => statement.resource === '"*"').flatMap((statement) => statement.actions)).toEqual([
      'dynamodb:ListStreams',
    ]);
    // The sender may read and write the table's items (no delete, no index) and consume the queue
    expect(onTable(sender).sort()).toEqual([...SENDER_TABLE_ACTIONS].sort());
    expect(SENDER_TABLE_ACTIONS).toEqual(['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(sender.filter((statement) => statement.resource.includes('/index/'))).toEqual([]);
    expect(on(sender, queueArn)).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']),
    );
    expect(actions(sender).filter((action) => action.startsWith('sqs:Send'))).toEqual([]);
    expect(on(sender, dlqArn)).toEqual([]);
    expect(actions(sender).filter((action) => /GetRecords|GetShardIterator|DescribeStream/.test(action))).toEqual([]);
    // No API function touches a queue: a resend reaches the router through the table's stream.
    for (const fn of Object.values(stack.api.functions)) {
      expect(actions(statementsOf(fn)).filter((action) => action.startsWith('sqs:'))).toEqual([]);
    }
  });

  it("feeds the request log indexer from each public API key route's log group, and lets it write request log items only", () => {
    // Prepare
    const indexerArn = { 'Fn::GetAtt': [logicalId(stack.requestLogIndexer), 'Arn'] };
    const logGroupOf = (fn: { node: { defaultChild?: unknown } }) =>
      (template.findResources('AWS::Lambda::Function')[logicalId(fn as never)]!.Properties.LoggingConfig.LogGroup as { Ref: string }).Ref;
    const keyRoutes = routeList.filter((route) => route.auth === 'apiKey');
    expect(keyRoutes.length).toBeGreaterThan(5);

    // Act
    const filters = ofType(resources, 'AWS::Logs::SubscriptionFilter').map(([, filter]) => filter.Properties!);
    const permissions = ofType(resources, 'AWS::Lambda::Permission')
      .map(([, permission]) => permission.Properties!)
      .filter((permission) => permission.Principal === 'logs.amazonaws.com');
    const statements = roleStatements(resources, logicalId(stack.requestLogIndexer.serviceRole));

    // Assess: one filter per API key route, on its own log group, passing the public API's request lines to the indexer.
    expect(filters).toHaveLength(keyRoutes.length);
    const subscribed = filters.map((filter) => filter.LogGroupName.Ref as string).sort();
    expect(subscribed).toEqual(keyRoutes.map((route) => logGroupOf(stack.api.functions[route.operationId]!)).sort());
    for (const filter of filters) {
      expect(filter.DestinationArn).toEqual(indexerArn);
      expect(filter.FilterPattern).toBe(REQUEST_LINE_FILTER);
    }
    // CloudWatch Logs may invoke the indexer for exactly those log groups.
    expect(permissions).toHaveLength(keyRoutes.length);
    for (const permission of permissions) {
      expect(permission).toMatchObject({ Action: 'lambda:InvokeFunction', FunctionName: indexerArn });
      expect(subscribed).toContain(permission.SourceArn['Fn::GetAtt'][0]);
    }
    // Nothing else is subscribed: not the management API, not the document routes, not the indexer itself.
    for (const route of [...identityRouteList, ...routeList.filter((each) => each.auth !== 'apiKey')]) {
      const fn = route.path.startsWith('/v1/') ? stack.managementApi.functions[route.operationId]! : stack.api.functions[route.operationId]!;
      expect(subscribed, route.operationId).not.toContain(logGroupOf(fn));
    }
    expect(subscribed).not.toContain(logGroupOf(stack.requestLogIndexer));
    // BatchWriteItem on the request log partitions only: no read, no other item.
    const tableStatements = statements.filter((statement) => JSON.stringify(statement.Action).includes('dynamodb:'));
    expect(tableStatements).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:BatchWriteItem',
        Resource: { 'Fn::GetAtt': [logicalId(stack.table), 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`ORG#org_${'?'.repeat(27)}#REQLOG#*`] } },
      },
    ]);
    expect(REQUEST_LOG_INDEXER_ACTIONS).toEqual(['dynamodb:BatchWriteItem']);
  });

  it('serves the management API from the same table: one function per /v1/ route behind the session authorizer, JSON:API gateway answers, the root secret readable by its functions only', () => {
    // Prepare
    const functions = template.findResources('AWS::Lambda::Function');
    const secretRef = { Ref: logicalId(stack.rootSecret) };
    const responses = Object.values(template.findResources('AWS::ApiGateway::GatewayResponse'))
      .map((response) => response.Properties)
      .filter((response) => response.RestApiId.Ref === logicalId(stack.managementApi.restApi));
    const readsSecret = (fn: { role?: { node: { defaultChild?: unknown } } }) =>
      roleStatements(resources, logicalId(fn.role as never)).some(
        (statement) => [statement.Action].flat().includes('secretsmanager:GetSecretValue') && JSON.stringify(statement.Resource) === JSON.stringify(secretRef),
      );

    // Assess
    for (const route of identityRouteList) {
      const fn = stack.managementApi.functions[route.operationId];
      expect(fn, route.operationId).toBeDefined();
      expect(functions[logicalId(fn!)]!.Properties.Environment.Variables.OSMA_SECRET_ARN).toEqual(secretRef);
      expect(readsSecret(fn!), route.operationId).toBe(true);
    }
    expect(readsSecret(stack.managementApi.authorizerFunction)).toBe(true);
    for (const route of routeList) expect(readsSecret(stack.api.functions[route.operationId]!), route.operationId).toBe(false);
    for (const [type, error] of Object.entries(identityPlane.gatewayResponses)) {
      const response = responses.find((candidate) => candidate.ResponseType === type);
      expect(response?.ResponseTemplates, type).toEqual({ 'application/json': JSON.stringify({ errors: jsonApiErrors(error) }) });
    }
    template.hasOutput('ManagementApiUrl', Match.anyValue());
  });

  it('has no unacknowledged cdk-nag AwsSolutions finding and no CDK error', () => {
    // Act
    const report = new AwsSolutionsChecks().validateScope(app);
    const findings = report.violations.map((violation) => {
      const paths = violation.violatingResources.map((resource) => resource.constructPath);
      return `${violation.ruleName} (${violation.severity}): ${paths.join(', ')}`;
    });

    // Assess
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });

  it('gives no deployed function a local-only setting, and the stage name, never local, as OSMA_STAGE', () => {
    // Act
    const environments = Object.entries(template.findResources('AWS::Lambda::Function')).filter(notCopier).map(([, fn]) => fn).map(
      (fn) => fn.Properties.Environment.Variables as Record<string, unknown>,
    );

    // Assess
    expect(environments).toHaveLength(routeList.length + identityRouteList.length + 6);
    for (const variables of environments) {
      expect(variables.OSMA_STAGE).toBe(STAGE);
      expect(Object.keys(variables).filter((name) => LOCAL_ONLY_SETTINGS.includes(name))).toEqual([]);
    }
  });

  it('runs a cdk-nag check that does catch findings (control)', () => {
    // Prepare
    const controlApp = new App();
    const controlStack = new Stack(controlApp, 'Control');
    new Bucket(controlStack, 'Open');

    // Act
    const report = new AwsSolutionsChecks().validateScope(controlApp);

    // Assess
    expect(report.violations.map((violation) => violation.ruleName)).toEqual(
      expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']),
    );
  });
});

describe('the local stage', () => {
  it.each(['local', 'Local', 'dev_1', '1dev', ''])('is a name no deployed stage may take, like any malformed one (%j)', (name) => {
    expect(() => new OsmaStack(makeApp(), 'OsmaRefused', { stage: name })).toThrow(name === 'local' ? /local stack's name/ : /lowercase/);
  });

  it('is the only code that turns on the local-only settings: nothing a function bundles imports local/ or marks its process', () => {
    // Prepare
    const root = new URL('../../', import.meta.url);
    const sources = (dir: string) =>
      (readdirSync(new URL(dir, root), { recursive: true }) as string[])
        .filter((file) => file.endsWith('.ts'))
        .map((file) => ({ file: `${dir}${file}`, text: readFileSync(new URL(`${dir}${file}`, root), 'utf8') }));

    // Act
    const bundled = [...sources('functions/'), ...sources('shared/')];
    const importsLocal = bundled.filter(({ text }) => /from '#local\/|import\('#local\//.test(text)).map(({ file }) => file);
    const callsMark = /(?<!function )markLocalStack\(\)/;
    const marks = bundled.filter(({ text }) => callsMark.test(text)).map(({ file }) => file);

    // Assess
    expect(importsLocal).toEqual([]);
    expect(marks).toEqual([]);
    expect(sources('local/').filter(({ text }) => callsMark.test(text)).map(({ file }) => file)).toEqual(['local/stack.ts']);
  });
});
