import type { RouteDefinition } from '#shared/http/route';

/**
 * CloudFormation refuses a template with more than 500 resources. Every stack and nested stack
 * of the app is kept under this budget, with room left for what a change adds before its tests
 * run (test/infra/stack-size.test.ts holds each template to it).
 */
export const CLOUDFORMATION_RESOURCE_LIMIT = 500;
export const STACK_RESOURCE_BUDGET = 400;

/**
 * The most routes one route group (one nested stack) may hold. A route costs its group six
 * resources (function, role, policy, log group, invoke permission, method), a public API route
 * two more (its log group's subscription filter to the request log indexer, and the permission
 * that lets CloudWatch Logs invoke the indexer for it), plus, for a path of its own, an API
 * Gateway resource per new path segment and the path's 405 method: 36 public routes on 36
 * paths of their own are about 360 resources, under the budget. A resource that outgrows it
 * fails the synth here rather than the deploy.
 */
export const MAX_ROUTES_PER_GROUP = 36;

export interface RouteGroup {
  /** The first path segment after the plane's base path (`members`, `users`); empty for routes on the base path itself. */
  segment: string;
  /** The nested stack's construct id: `MembersRoutes`, `MfaTotpRoutes`. */
  id: string;
  routes: RouteDefinition[];
}

/**
 * A plane's routes, grouped by the first path segment after its base path: `/members` and
 * `/members/{id}` go together, `/v1/users/{id}/change-password/` goes with `/v1/users/`. A group
 * owns its whole path subtree, so no API Gateway resource is shared between groups, and a route
 * stays in its group for as long as its path does: adding, changing or removing one route
 * touches its own group's nested stack and no other (chunks of N routes would move routes
 * between stacks, and so replace their functions, whenever a route is added before them).
 */
export function routeGroups(routes: readonly RouteDefinition[], basePath: string): RouteGroup[] {
  const groups = new Map<string, RouteGroup>();
  for (const route of routes) {
    if (basePath && route.path !== basePath && !route.path.startsWith(`${basePath}/`)) {
      throw new Error(`${route.operationId}: path ${route.path} is not under the plane's base path ${basePath}`);
    }
    const segment = route.path.slice(basePath.length).split('/').find((part) => part !== '') ?? '';
    const id = groupId(segment);
    const group = groups.get(id) ?? { segment, id, routes: [] };
    if (group.segment !== segment) {
      throw new Error(`path segments '${group.segment}' and '${segment}' would share the route group ${id}; rename one`);
    }
    group.routes.push(route);
    groups.set(id, group);
  }
  for (const group of groups.values()) {
    if (group.routes.length > MAX_ROUTES_PER_GROUP) {
      throw new Error(
        `${group.routes.length} routes under '${basePath}/${group.segment}' would make one nested stack of about ` +
          `${group.routes.length * 10} resources; at most ${MAX_ROUTES_PER_GROUP} routes fit a group under the ` +
          `${STACK_RESOURCE_BUDGET}-resource budget (CloudFormation refuses more than ${CLOUDFORMATION_RESOURCE_LIMIT}): ` +
          'cut the group finer here (docs/deploy.md, "How the app is split").',
      );
    }
  }
  return [...groups.values()];
}

/** `task_templates` -> `TaskTemplatesRoutes`, `mfa-totp` -> `MfaTotpRoutes`, the base path itself -> `BaseRoutes`. */
function groupId(segment: string): string {
  const words = segment.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const name = words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('') || 'Base';
  return `${name}Routes`;
}
