import { apiHandler } from '#shared/http';
import { routes } from '#shared/routes';
import { deleteTask } from '#shared/tasks/task';

export const handler = apiHandler(routes.deleteTask, ({ scope, params }) => deleteTask(scope, params.id));
