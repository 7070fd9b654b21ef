import { apiHandler } from '#shared/http/handler';
import { routes } from '#shared/routes';
import { createTask } from '#shared/api/tasks/task';

export const handler = apiHandler(routes.createTask, ({ scope, body }) => createTask(scope, body));
