import * as z from 'zod';
import { templateVersionQuery } from '#shared/api/task-templates/schemas';
import { cursorListDocument, idPath, resourceObject, resourceRequest } from '#shared/http/jsonapi';
import { routeTable } from '#shared/http/route';
import { cursorPageQuery, modeFilter } from '#shared/identity/scoped-resources';
import {
  TASK_TEMPLATE_TYPE,
  taskTemplateAttributes,
  taskTemplateCreate,
  taskTemplatePatch,
  templateVersionsMeta,
} from '#shared/identity/task-templates/resource';

const modeQuery = z.strictObject(modeFilter);
const templateDocument = z.object({ data: resourceObject(TASK_TEMPLATE_TYPE, taskTemplateAttributes), meta: z.object({}).loose() });

export const taskTemplateRoutes = routeTable(
  { functions: 'identity/task-templates', tag: 'Task templates', auth: 'session' },
  {
    listOrganizationTaskTemplates: {
      method: 'GET',
      path: '/v1/task-templates/',
      handler: 'list',
      permission: 'organization.read',
      summary: "List a mode's task templates at their latest versions, newest first",
      request: { query: z.strictObject({ ...modeFilter, ...cursorPageQuery }) },
      success: { status: 200, description: 'A page of templates.', schema: cursorListDocument(TASK_TEMPLATE_TYPE, taskTemplateAttributes) },
    },
    createOrganizationTaskTemplate: {
      method: 'POST',
      path: '/v1/task-templates/',
      handler: 'create',
      permission: 'developers.manage',
      summary: 'Create a task template in a mode: version 1',
      request: { body: resourceRequest(TASK_TEMPLATE_TYPE, taskTemplateCreate) },
      success: { status: 201, description: 'The template.', schema: templateDocument },
      errors: [409],
    },
    getOrganizationTaskTemplate: {
      method: 'GET',
      path: '/v1/task-templates/{id}/',
      handler: 'get',
      permission: 'organization.read',
      summary: 'Get a task template by its reference: its latest version or `version`, with the list of its versions',
      request: { path: idPath, query: z.strictObject({ ...modeFilter, ...templateVersionQuery.shape }) },
      success: {
        status: 200,
        description: 'The template; `meta.versions` lists its versions.',
        schema: z.object({ data: resourceObject(TASK_TEMPLATE_TYPE, taskTemplateAttributes), meta: templateVersionsMeta }),
      },
      errors: [404],
    },
    updateOrganizationTaskTemplate: {
      method: 'PATCH',
      path: '/v1/task-templates/{id}/',
      handler: 'update',
      permission: 'developers.manage',
      summary: 'Change a task template, making a new version (tasks keep the version they were made with)',
      request: { path: idPath, query: modeQuery, body: resourceRequest(TASK_TEMPLATE_TYPE, taskTemplatePatch) },
      success: { status: 200, description: 'The template at its new version.', schema: templateDocument },
      errors: [404, 409],
    },
  },
);
