import { apiHandler } from '#shared/api/surface';
import { taskRoutes } from '#shared/api/tasks/routes';
import { getTask } from '#shared/api/tasks/task';

export const handler = apiHandler(taskRoutes.getTask, ({ scope, params }) => getTask(scope, params.id));
