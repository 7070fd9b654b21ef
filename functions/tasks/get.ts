import { apiHandler } from '#shared/http';
import { routes } from '#shared/routes';
import { getTask } from '#shared/tasks/task';

export const handler = apiHandler(routes.getTask, ({ scope, params }) => getTask(scope, params.id));
