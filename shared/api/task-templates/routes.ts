import { listOf, listQuery } from '#shared/api/schemas';
import {
  createTaskTemplateBody,
  taskTemplate,
  templatePath,
  templateVersionQuery,
  updateTaskTemplateBody,
} from '#shared/api/task-templates/schemas';
import { routeTable } from '#shared/http/route';

export const taskTemplateRoutes = routeTable(
  { functions: 'api/task-templates', tag: 'Task templates', auth: 'apiKey' },
  {
    createTaskTemplate: {
      method: 'POST',
      path: '/task_templates',
      handler: 'create',
      summary: 'Create a task template (extension)',
      request: { body: createTaskTemplateBody },
      success: { status: 201, description: 'The new template, version 1.', schema: taskTemplate },
      errors: [409],
    },
    getTaskTemplate: {
      method: 'GET',
      path: '/task_templates/{reference}',
      handler: 'get',
      summary: 'Get a task template, its latest or a given version (extension)',
      request: { path: templatePath, query: templateVersionQuery },
      success: { status: 200, description: 'The template.', schema: taskTemplate },
      errors: [404],
    },
    updateTaskTemplate: {
      method: 'POST',
      path: '/task_templates/{reference}',
      handler: 'update',
      summary: 'Update a task template, making a new version (extension)',
      request: { path: templatePath, body: updateTaskTemplateBody },
      success: { status: 200, description: 'The template at its new version.', schema: taskTemplate },
      errors: [404, 409],
    },
    listTaskTemplates: {
      method: 'GET',
      path: '/task_templates',
      handler: 'list',
      summary: 'List task templates, latest versions (extension)',
      request: { query: listQuery },
      success: { status: 200, description: 'A page of templates, newest first.', schema: listOf(taskTemplate) },
    },
  },
);
