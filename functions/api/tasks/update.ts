import { apiHandler } from '#shared/http/handler';
import { routes } from '#shared/routes';
import { updateTask } from '#shared/api/tasks/task';

export const handler = apiHandler(routes.updateTask, ({ scope, params, body }) => updateTask(scope, params.id, body));
