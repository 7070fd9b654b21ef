import { apiHandler } from '#shared/http';
import { routes } from '#shared/routes';
import { updateTaskTemplate } from '#shared/task-templates/template';

export const handler = apiHandler(routes.updateTaskTemplate, ({ scope, params, body }) =>
  updateTaskTemplate(scope, params.reference, body),
);
