import { apiHandler } from '#shared/api/surface';
import { taskRoutes } from '#shared/api/tasks/routes';
import { createTask } from '#shared/api/tasks/task';

export const handler = apiHandler(taskRoutes.createTask, ({ scope, body }) => createTask(scope, body));
