import { apiHandler } from '#shared/http';
import { routes } from '#shared/routes';
import { listTaskTemplates } from '#shared/task-templates/template';

export const handler = apiHandler(routes.listTaskTemplates, ({ scope, query }) => listTaskTemplates(scope, query));
