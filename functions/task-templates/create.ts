import { apiHandler } from '#shared/http';
import { routes } from '#shared/routes';
import { createTaskTemplate } from '#shared/task-templates/template';

export const handler = apiHandler(routes.createTaskTemplate, ({ scope, body }) => createTaskTemplate(scope, body));
