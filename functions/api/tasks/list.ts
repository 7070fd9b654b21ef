import { apiHandler } from '#shared/http/handler';
import { routes } from '#shared/routes';
import { listTasks } from '#shared/api/tasks/task';

export const handler = apiHandler(routes.listTasks, ({ scope, query }) => listTasks(scope, query));
