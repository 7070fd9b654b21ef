import { apiHandler } from '#shared/http';
import { routes } from '#shared/routes';
import { createTask } from '#shared/tasks/task';

export const handler = apiHandler(routes.createTask, ({ scope, body }) => createTask(scope, body));
