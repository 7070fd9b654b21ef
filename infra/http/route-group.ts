import { Aws, CfnParameter, NestedStack, Stack } from 'aws-cdk-lib';
import {
  AuthorizationType,
  Integration,
  IntegrationType,
  type IResource,
  Method,
  type MethodOptions,
  type RequestAuthorizer,
  Resource,
  type RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { PlaneDescription } from '#shared/http/plane';
import type { RouteDefinition } from '#shared/http/route';
import { bundlesAwsSdk } from '#infra/platform/bundling';
import type { MailSender } from '#infra/platform/mail';
import { OsmaFunction } from '#infra/platform/osma-function';
import { acknowledgeMethod, methodNotAllowed } from '#infra/http/methods';
import { subscribeToRequestLogs } from '#infra/identity/request-log-indexer';

export interface RouteGroupStackProps {
  stage: string;
  plane: PlaneDescription;
  /** The first path segment after the base path that every route of the group shares (empty: the base path itself). */
  segment: string;
  routes: RouteDefinition[];
  restApi: RestApi;
  /** The plane's base path resource (`/v1`, or the root), in the plane's stack: the group's subtree hangs from it. */
  base: IResource;
  authorizer: RequestAuthorizer;
  table: ITable;
  bucket?: IBucket;
  rootSecret?: ISecret;
  mail?: { sender?: MailSender; dashboardUrl?: string };
  /**
   * The request log indexer: each function of a route taken with an API key gets a subscription
   * filter that hands it its request lines (infra/identity/request-log-indexer.ts).
   */
  requestLogIndexer?: IFunction;
}

/**
 * One route group of a plane (route-groups.ts) in a nested stack of its own: the API Gateway
 * resources of its path subtree, a method per route and the 405 method of each path, and per
 * route a function with its role, policy, log group and the permission that lets this API's
 * stage invoke it on this method and path only. The REST API, its authorizer, deployment and
 * stage stay in the plane's stack; the deployment depends on this stack and its logical id
 * follows every method and resource here, so a changed route is deployed to the stage.
 */
export class RouteGroupStack extends NestedStack {
  /** One function per route, by operationId. */
  readonly functions: Record<string, OsmaFunction> = {};

  constructor(scope: Construct, id: string, props: RouteGroupStackProps) {
    super(scope, id, {
      description: `${props.plane.title} (${props.stage}): the routes under ${props.plane.basePath}/${props.segment}`,
    });
    const { plane } = props;
    const secretEnvironment = props.rootSecret ? { OSMA_SECRET_ARN: props.rootSecret.secretArn } : undefined;
    const bucket = props.routes.some((route) => route.fileAccess) ? this.filesBucket(props.bucket) : undefined;
    // The group's subtree: its first segment hangs from the plane's base path, the rest from it.
    const top = props.segment
      ? new Resource(this, props.segment, { parent: props.base, pathPart: props.segment })
      : props.base;

    const methodsByResource = new Map<IResource, string[]>();
    for (const route of props.routes) {
      const rest = route.path.slice(plane.basePath.length).split('/').filter(Boolean).slice(props.segment ? 1 : 0);
      const resource = rest.length > 0 ? top.resourceForPath(rest.join('/')) : top;
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
      if (route.fileAccess) fn.bindFiles(bucket!, route.fileAccess);
      if (route.sendsMail) {
        if (props.mail?.sender) fn.bindMail(props.mail.sender);
        if (props.mail?.dashboardUrl) fn.addEnvironment('OSMA_DASHBOARD_URL', props.mail.dashboardUrl);
      }
      this.functions[route.operationId] = fn;
      if (props.requestLogIndexer && route.auth === 'apiKey') {
        subscribeToRequestLogs(this, `${constructId(route.operationId)}RequestLogs`, fn.logGroup, props.requestLogIndexer);
      }

      // This stage may invoke the function on this method and path, nothing else may (no test invoke either).
      // The stage is named, not referenced: the stage depends on this stack through its deployment.
      fn.addPermission('ApiGatewayInvoke', {
        principal: new ServicePrincipal('apigateway.amazonaws.com'),
        sourceArn: props.restApi.arnForExecuteApi(route.method, resourcePathForArn(resource.path), props.stage),
      });
      const method = this.addMethod(resource, route.method, lambdaProxy(fn), {
        operationName: route.operationId,
        ...(route.auth !== 'none'
          ? { authorizer: props.authorizer, authorizationType: AuthorizationType.CUSTOM }
          : { authorizationType: AuthorizationType.NONE }),
      });
      acknowledgeMethod(method, route.auth === 'none', plane);
      methodsByResource.set(resource, [...(methodsByResource.get(resource) ?? []), route.method]);
    }
    for (const [resource, methods] of methodsByResource) {
      const { integration, options } = methodNotAllowed(methods, plane.methodNotAllowedBody);
      acknowledgeMethod(this.addMethod(resource, 'ANY', integration, options), true, plane);
    }

    // A route moved between groups keeps its function's logical id but gets a new function: redeploy then too.
    props.restApi.latestDeployment?.addToLogicalId({ routeGroup: id, operations: props.routes.map((route) => route.operationId) });
  }

  /** A method on a resource of this group, or on the base path resource, which lives in the plane's stack. */
  private addMethod(resource: IResource, httpMethod: string, integration: Integration, options: MethodOptions): Method {
    if (Stack.of(resource) === this) return resource.addMethod(httpMethod, integration, options);
    return new Method(this, httpMethod, { resource, httpMethod, integration, options });
  }

  /**
   * The files bucket, passed in as parameters with fixed names: the file routes' grants are on
   * key patterns of its ARN, and cdk-nag names each wildcard by that ARN's reference, which is
   * `<FilesBucketArn>` here whatever the bucket's logical id in the stage's stack.
   */
  private filesBucket(bucket: IBucket | undefined): IBucket {
    if (!bucket) throw new Error(`${this.node.path}: a file route needs the files bucket: pass it as the bucket prop`);
    // A parameter at the top of a stack keeps its id as its logical id.
    const bucketArn = new CfnParameter(this, 'FilesBucketArn', { description: 'The files bucket (its ARN)' });
    const bucketName = new CfnParameter(this, 'FilesBucketName', { description: 'The files bucket (its name)' });
    this.setParameter('FilesBucketArn', bucket.bucketArn);
    this.setParameter('FilesBucketName', bucket.bucketName);
    return Bucket.fromBucketAttributes(this, 'FilesBucket', {
      bucketArn: bucketArn.valueAsString,
      bucketName: bucketName.valueAsString,
    });
  }
}

/** API Gateway's Lambda proxy integration, without the permission LambdaIntegration would add under the method. */
function lambdaProxy(fn: OsmaFunction): Integration {
  return new Integration({
    type: IntegrationType.AWS_PROXY,
    integrationHttpMethod: 'POST',
    uri: `arn:${Aws.PARTITION}:apigateway:${Aws.REGION}:lambda:path/2015-03-31/functions/${fn.functionArn}/invocations`,
  });
}

/** `/members/{id}` -> `/members/*`, as API Gateway writes the path of an execute-api ARN. */
function resourcePathForArn(path: string): string {
  return path.replace(/\{[^}]*\}/g, '*');
}

/** `getMember` -> `GetMember`. */
function constructId(operationId: string): string {
  return operationId.charAt(0).toUpperCase() + operationId.slice(1);
}
