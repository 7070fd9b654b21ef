import { apiHandler } from '#shared/http/handler';
import { routes } from '#shared/routes';
import { listTaskTemplates } from '#shared/api/task-templates/template';

export const handler = apiHandler(routes.listTaskTemplates, ({ scope, query }) => listTaskTemplates(scope, query));
