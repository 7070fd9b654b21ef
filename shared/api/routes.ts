import { fileRoutes } from '#shared/api/files/routes';
import { memberRoutes } from '#shared/api/members/routes';
import { specRoutes } from '#shared/api/spec/routes';
import { taskTemplateRoutes } from '#shared/api/task-templates/routes';
import { taskRoutes } from '#shared/api/tasks/routes';
import { userRoutes } from '#shared/api/users/routes';
import { eventRoutes, webhookEndpointRoutes } from '#shared/api/webhooks/routes';
import type { RouteDefinition } from '#shared/http/route';

/**
 * The public API's routes, gathered from each resource's table: the one list from which the
 * CDK stack makes a function per route, the local gateway routes, and the OpenAPI document is
 * written. A handler imports only its own resource's table, so its bundle holds only the
 * schemas it uses.
 */
export const routes = {
  ...memberRoutes,
  ...taskRoutes,
  ...taskTemplateRoutes,
  ...userRoutes,
  ...fileRoutes,
  ...specRoutes,
  ...webhookEndpointRoutes,
  ...eventRoutes,
};

export const routeList: RouteDefinition[] = Object.values(routes);
