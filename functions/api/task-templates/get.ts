import { apiHandler } from '#shared/api/surface';
import { taskTemplateRoutes } from '#shared/api/task-templates/routes';
import { getTaskTemplate } from '#shared/api/task-templates/template';

export const handler = apiHandler(taskTemplateRoutes.getTaskTemplate, ({ scope, params, query }) =>
  getTaskTemplate(scope, params.reference, query.version),
);
