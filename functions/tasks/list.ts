import { apiHandler } from '#shared/http';
import { routes } from '#shared/routes';
import { listTasks } from '#shared/tasks/task';

export const handler = apiHandler(routes.listTasks, ({ scope, query }) => listTasks(scope, query));
