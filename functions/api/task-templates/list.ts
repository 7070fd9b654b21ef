import { apiHandler } from '#shared/api/surface';
import { taskTemplateRoutes } from '#shared/api/task-templates/routes';
import { listTaskTemplates } from '#shared/api/task-templates/template';

export const handler = apiHandler(taskTemplateRoutes.listTaskTemplates, ({ scope, query }) => listTaskTemplates(scope, query));
