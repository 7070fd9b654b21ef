import { apiHandler } from '#shared/http/handler';
import { routes } from '#shared/routes';
import { updateTaskTemplate } from '#shared/api/task-templates/template';

export const handler = apiHandler(routes.updateTaskTemplate, ({ scope, params, body }) =>
  updateTaskTemplate(scope, params.reference, body),
);
