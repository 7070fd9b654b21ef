import { apiHandler } from '#shared/api/surface';
import { taskTemplateRoutes } from '#shared/api/task-templates/routes';
import { createTaskTemplate } from '#shared/api/task-templates/template';

export const handler = apiHandler(taskTemplateRoutes.createTaskTemplate, ({ scope, body }) => createTaskTemplate(scope, body));
