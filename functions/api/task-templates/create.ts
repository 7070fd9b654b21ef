import { apiHandler } from '#shared/http/handler';
import { routes } from '#shared/routes';
import { createTaskTemplate } from '#shared/api/task-templates/template';

export const handler = apiHandler(routes.createTaskTemplate, ({ scope, body }) => createTaskTemplate(scope, body));
