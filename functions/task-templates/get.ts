import { apiHandler } from '#shared/http';
import { routes } from '#shared/routes';
import { getTaskTemplate } from '#shared/task-templates/template';

export const handler = apiHandler(routes.getTaskTemplate, ({ scope, params, query }) =>
  getTaskTemplate(scope, params.reference, query.version),
);
