import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CLOUDFORMATION_RESOURCE_LIMIT,
  MAX_ROUTES_PER_GROUP,
  routeGroups,
  STACK_RESOURCE_BUDGET,
} from '#infra/http/route-groups';
import { OsmaStack, type OsmaStackProps } from '#infra/stack';
import { routeList } from '#shared/api/routes';
import type { HttpMethod, RouteDefinition } from '#shared/http/route';
import { identityRouteList } from '#shared/identity/routes';
import { DASHBOARD_FIXTURE, stackTemplates } from '#test/infra/templates';

const STAGE = 'test';

/** The same feature flags `cdk synth` uses, with esbuild bundling skipped for speed. */
function makeApp(): App {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'));
  return new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], dashboardAssets: DASHBOARD_FIXTURE } });
}

/** The templates, by the stack's path (`''` is the stage's own stack). */
function templates(props: Partial<OsmaStackProps> = {}): Map<string, any> {
  const stack = new OsmaStack(makeApp(), 'OsmaSize', { stage: STAGE, ...props });
  return new Map(stackTemplates(stack).map(({ path, template }) => [path, template]));
}

/** Resources per template, by the stack's path. */
function resourceCounts(synthesized: Map<string, any>): Map<string, number> {
  return new Map([...synthesized].map(([path, template]) => [path, Object.keys(template.Resources).length]));
}

/** The stage as the route lists make it, synthesized once for this file. */
let stage: Map<string, any> | undefined;
const current = () => (stage ??= templates());

function over(counts: Map<string, number>, limit: number): string[] {
  return [...counts].filter(([, count]) => count >= limit).map(([path, count]) => `${path || '(stage stack)'}: ${count}`);
}

/** A route cloned from `model` under a new path and operation id: what the infrastructure sees of a new route. */
function clone(model: RouteDefinition, method: HttpMethod, path: string, operationId: string): RouteDefinition {
  return { ...model, method, path, operationId, tableAccess: method === 'GET' ? 'read' : 'readWrite' };
}

/** A resource's five routes (list, create, get, update, delete) at `collection` and `collection/{id}`, cloned from `model`. */
function resourceRoutes(model: RouteDefinition, collection: string, name: string, trailingSlash: boolean): RouteDefinition[] {
  const end = trailingSlash ? '/' : '';
  const item = `${collection}/{id}${end}`;
  return [
    clone(model, 'GET', `${collection}${end}`, `list${name}`),
    clone(model, 'POST', `${collection}${end}`, `create${name}`),
    clone(model, 'GET', item, `get${name}`),
    clone(model, trailingSlash ? 'PATCH' : 'POST', item, `update${name}`),
    clone(model, 'DELETE', item, `delete${name}`),
  ];
}

const sessionModel = identityRouteList.find((route) => route.auth === 'session')!;
const apiKeyModel = routeList.find((route) => route.auth === 'apiKey' && !route.fileAccess)!;

/**
 * 100 more management routes: 25 actions on people (`/v1/users/{id}/<action>/`, the group the
 * people routes grow), and 15 new resources of five routes each; 40 more public routes in 8 new
 * resources. Beyond what the next issues add (about 55 routes), as the budget's margin.
 */
const extraManagementRoutes: RouteDefinition[] = [
  ...Array.from({ length: 25 }, (_, n) => clone(sessionModel, 'POST', `/v1/users/{id}/action-${n}/`, `userAction${n}`)),
  ...Array.from({ length: 15 }, (_, n) => resourceRoutes(sessionModel, `/v1/resource-${n}`, `ManagementResource${n}`, true)).flat(),
];
const extraPublicRoutes: RouteDefinition[] = Array.from({ length: 8 }, (_, n) =>
  resourceRoutes(apiKeyModel, `/resource_${n}`, `PublicResource${n}`, false),
).flat();

describe('the size of each stack', () => {
  let counts: Map<string, number>;

  beforeAll(() => {
    counts = resourceCounts(current());
  });

  it(`keeps every template of the stage, nested ones included, under ${STACK_RESOURCE_BUDGET} resources`, () => {
    // Assess
    expect(counts.get('')).toBeDefined();
    expect(counts.get('Api/Gateway')).toBeDefined();
    expect(counts.get('ManagementApi/Gateway')).toBeDefined();
    expect(over(counts, STACK_RESOURCE_BUDGET)).toEqual([]);
    // Every route is in one group's nested stack, each plane's groups beneath its gateway.
    const groups = [...counts.keys()].filter((path) => path.endsWith('Routes'));
    expect(groups.length).toBe(
      routeGroups(routeList, '').length + routeGroups(identityRouteList, '/v1').length,
    );
  });

  it('keeps every template under 500 resources with 100 more management routes and 40 more public ones', () => {
    // Prepare
    expect(extraManagementRoutes).toHaveLength(100);
    expect(extraPublicRoutes).toHaveLength(40);

    // Act
    const grown = resourceCounts(
      templates({
        managementRoutes: [...identityRouteList, ...extraManagementRoutes],
        publicRoutes: [...routeList, ...extraPublicRoutes],
      }),
    );

    // Assess
    expect(over(grown, CLOUDFORMATION_RESOURCE_LIMIT)).toEqual([]);
    expect(over(grown, STACK_RESOURCE_BUDGET)).toEqual([]);
    // The stage's stack does not grow with routes; a plane's grows by one nested stack per group.
    expect(grown.get('')).toBe(counts.get(''));
    expect(grown.get('ManagementApi/Gateway')).toBe(counts.get('ManagementApi/Gateway')! + 15);
    expect(grown.get('Api/Gateway')).toBe(counts.get('Api/Gateway')! + 8);
    expect(grown.get('ManagementApi/Gateway/UsersRoutes')).toBeGreaterThan(counts.get('ManagementApi/Gateway/UsersRoutes')! + 25 * 6);
  });

  it(`holds a group of ${MAX_ROUTES_PER_GROUP} routes, each on a path of its own, under the budget, and refuses one more at synth`, () => {
    // Prepare: the worst a group may hold: every route adds a path, so its resource and its 405 method too.
    const crowded = Array.from({ length: MAX_ROUTES_PER_GROUP }, (_, n) =>
      clone(sessionModel, 'POST', `/v1/crowded/{id}/action-${n}/`, `crowdedAction${n}`),
    );
    const oneMore = clone(sessionModel, 'POST', '/v1/crowded/one-more/', 'crowdedOneMore');
    // A public API route also subscribes its log group to the request log indexer: two resources more.
    const crowdedPublic = Array.from({ length: MAX_ROUTES_PER_GROUP }, (_, n) =>
      clone(apiKeyModel, 'POST', `/crowded/{id}/action_${n}`, `crowdedPublicAction${n}`),
    );

    // Act
    const full = resourceCounts(templates({ managementRoutes: [...identityRouteList, ...crowded], publicRoutes: [...routeList, ...crowdedPublic] }));

    // Assess
    expect(full.get('ManagementApi/Gateway/CrowdedRoutes')).toBeLessThan(STACK_RESOURCE_BUDGET);
    expect(full.get('ManagementApi/Gateway/CrowdedRoutes')).toBeGreaterThan(MAX_ROUTES_PER_GROUP * 7);
    expect(full.get('Api/Gateway/CrowdedRoutes')).toBeLessThan(STACK_RESOURCE_BUDGET);
    expect(full.get('Api/Gateway/CrowdedRoutes')).toBeGreaterThan(MAX_ROUTES_PER_GROUP * 9);
    expect(() => templates({ managementRoutes: [...identityRouteList, ...crowded, oneMore] })).toThrow(
      new RegExp(`${MAX_ROUTES_PER_GROUP + 1} routes under '/v1/crowded'.*cut the group finer`),
    );
  });
});

describe('a new route', () => {
  let before: Map<string, any>;
  let after: Map<string, any>;
  const added = clone(apiKeyModel, 'POST', '/members/{id}/archive', 'archiveMember');

  beforeAll(() => {
    before = current();
    after = templates({ publicRoutes: [...routeList, added] });
  });

  it("changes its own group's template and no other group's, and no resource of the stage's stack", () => {
    // Act
    const changed = [...before.keys()].filter((path) => JSON.stringify(before.get(path)) !== JSON.stringify(after.get(path)));

    // Assess: the plane's stack changes too: its deployment, and the group's template URL.
    expect(changed.sort()).toEqual(['', 'Api/Gateway', 'Api/Gateway/MembersRoutes']);
    const members = (synth: Map<string, any>) => synth.get('Api/Gateway/MembersRoutes').Resources;
    const kept = Object.keys(members(before)).filter((id) => id in members(after));
    expect(kept).toEqual(Object.keys(members(before)));
    for (const id of kept) expect(members(after)[id], id).toEqual(members(before)[id]);
    // The stage's stack: only the gateway's nested stack resource (its template's URL) changes.
    const changedAtStage = Object.keys(before.get('').Resources).filter(
      (id) => JSON.stringify(before.get('').Resources[id]) !== JSON.stringify(after.get('').Resources[id]),
    );
    expect(changedAtStage.map((id) => before.get('').Resources[id].Type)).toEqual(['AWS::CloudFormation::Stack']);
  });

  it('is deployed: the plane gets a new deployment, which waits for every route group', () => {
    // Prepare
    const deploymentOf = (synth: Map<string, any>): [string, any] => {
      const deployments = Object.entries<any>(synth.get('Api/Gateway').Resources).filter(
        ([, resource]) => resource.Type === 'AWS::ApiGateway::Deployment',
      );
      expect(deployments).toHaveLength(1);
      return deployments[0]!;
    };

    // Act
    const [beforeId] = deploymentOf(before);
    const [afterId, deployment] = deploymentOf(after);
    const [againId] = deploymentOf(templates());

    // Assess
    expect(afterId).not.toBe(beforeId);
    expect(againId).toBe(beforeId);
    const groups = Object.entries<any>(after.get('Api/Gateway').Resources)
      .filter(([, resource]) => resource.Type === 'AWS::CloudFormation::Stack')
      .map(([id]) => id);
    expect(groups.length).toBe(routeGroups(routeList, '').length);
    expect(deployment.DependsOn).toEqual(expect.arrayContaining(groups));
  });
});

describe('the stateful resources', () => {
  it('keep the logical ids an existing stage has, so that no deploy replaces them', () => {
    // Prepare: the ids the one-stack app had (docs/deploy.md); a new id would be a new table, bucket or secret.
    const stateful = {
      StorageTableB43FDCE7: 'AWS::DynamoDB::Table',
      FilesBucket7C17EE2E: 'AWS::S3::Bucket',
      FilesAccessLogsAAAD0C84: 'AWS::S3::Bucket',
      RootSecretD303C2C8: 'AWS::SecretsManager::Secret',
      WebhooksQueueCBC86013: 'AWS::SQS::Queue',
      WebhooksDeadLetterQueue1C65998B: 'AWS::SQS::Queue',
      ApiAccessLogs50B185DB: 'AWS::Logs::LogGroup',
      ManagementApiAccessLogs0748BDE3: 'AWS::Logs::LogGroup',
      DashboardBucketA782FB5B: 'AWS::S3::Bucket',
    };

    // Act
    const resources = current().get('').Resources;

    // Assess
    for (const [id, type] of Object.entries(stateful)) expect(resources[id]?.Type, id).toBe(type);
    const retained = Object.entries<any>(resources)
      .filter(([, resource]) => resource.DeletionPolicy === 'Retain')
      .map(([id]) => id);
    expect(retained.sort()).toEqual(Object.keys(stateful).filter((id) => !id.startsWith('Webhooks')).sort());
  });
});
