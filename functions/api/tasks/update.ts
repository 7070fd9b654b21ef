import { apiHandler } from '#shared/api/surface';
import { taskRoutes } from '#shared/api/tasks/routes';
import { updateTask } from '#shared/api/tasks/task';

export const handler = apiHandler(taskRoutes.updateTask, ({ scope, params, body }) => updateTask(scope, params.id, body));
