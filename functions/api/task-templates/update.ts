import { apiHandler } from '#shared/api/surface';
import { taskTemplateRoutes } from '#shared/api/task-templates/routes';
import { updateTaskTemplate } from '#shared/api/task-templates/template';

export const handler = apiHandler(taskTemplateRoutes.updateTaskTemplate, ({ scope, params, body }) =>
  updateTaskTemplate(scope, params.reference, body),
);
