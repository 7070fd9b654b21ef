import { apiHandler } from '#shared/http/handler';
import { routes } from '#shared/routes';
import { getTask } from '#shared/api/tasks/task';

export const handler = apiHandler(routes.getTask, ({ scope, params }) => getTask(scope, params.id));
