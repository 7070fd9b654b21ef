import { apiHandler } from '#shared/api/surface';
import { taskRoutes } from '#shared/api/tasks/routes';
import { deleteTask } from '#shared/api/tasks/task';

export const handler = apiHandler(taskRoutes.deleteTask, ({ scope, params }) => deleteTask(scope, params.id));
