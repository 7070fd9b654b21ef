import { idPath, listOf } from '#shared/api/schemas';
import { createTaskBody, listTasksQuery, task, updateTaskBody } from '#shared/api/tasks/schemas';
import { routeTable } from '#shared/http/route';

export const taskRoutes = routeTable(
  { functions: 'api/tasks', tag: 'Tasks', auth: 'apiKey' },
  {
    createTask: {
      method: 'POST',
      path: '/tasks',
      handler: 'create',
      summary: 'Create a task',
      request: { body: createTaskBody },
      success: { status: 201, description: 'The new task.', schema: task },
    },
    getTask: {
      method: 'GET',
      path: '/tasks/{id}',
      handler: 'get',
      summary: 'Get one task',
      request: { path: idPath },
      success: { status: 200, description: 'The task.', schema: task },
      errors: [404],
    },
    updateTask: {
      method: 'POST',
      path: '/tasks/{id}',
      handler: 'update',
      summary: 'Update a task',
      request: { path: idPath, body: updateTaskBody },
      success: { status: 200, description: 'The updated task.', schema: task },
      errors: [404, 409],
    },
    deleteTask: {
      method: 'DELETE',
      path: '/tasks/{id}',
      handler: 'delete',
      summary: 'Delete a task (soft)',
      request: { path: idPath },
      success: { status: 200, description: 'The task, with status deleted.', schema: task },
      errors: [404],
    },
    listTasks: {
      method: 'GET',
      path: '/tasks',
      handler: 'list',
      summary: 'List all tasks',
      request: { query: listTasksQuery },
      success: { status: 200, description: 'A page of tasks, newest first.', schema: listOf(task) },
    },
  },
);
