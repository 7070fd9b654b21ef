import { identityHandler } from '#shared/identity/surface';
import { taskTemplateOf } from '#shared/identity/task-templates/manage';
import { taskTemplateRoutes } from '#shared/identity/task-templates/routes';

export const handler = identityHandler(taskTemplateRoutes.getOrganizationTaskTemplate, ({ principal, query, params }) =>
  taskTemplateOf(principal, query['filter[mode]'], params.id, query.version),
);
