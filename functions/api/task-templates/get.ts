import { apiHandler } from '#shared/http/handler';
import { routes } from '#shared/routes';
import { getTaskTemplate } from '#shared/api/task-templates/template';

export const handler = apiHandler(routes.getTaskTemplate, ({ scope, params, query }) =>
  getTaskTemplate(scope, params.reference, query.version),
);
