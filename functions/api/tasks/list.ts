import { apiHandler } from '#shared/api/surface';
import { taskRoutes } from '#shared/api/tasks/routes';
import { listTasks } from '#shared/api/tasks/task';

export const handler = apiHandler(taskRoutes.listTasks, ({ scope, query }) => listTasks(scope, query));
