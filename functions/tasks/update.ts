import { apiHandler } from '#shared/http';
import { routes } from '#shared/routes';
import { updateTask } from '#shared/tasks/task';

export const handler = apiHandler(routes.updateTask, ({ scope, params, body }) => updateTask(scope, params.id, body));
