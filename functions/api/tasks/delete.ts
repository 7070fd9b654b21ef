import { apiHandler } from '#shared/http/handler';
import { routes } from '#shared/routes';
import { deleteTask } from '#shared/api/tasks/task';

export const handler = apiHandler(routes.deleteTask, ({ scope, params }) => deleteTask(scope, params.id));
