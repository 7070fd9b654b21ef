import * as z from 'zod';
import { createTaskTemplateBody, taskTemplate, updateTaskTemplateBody, type TaskTemplate } from '#shared/api/task-templates/schemas';
import { modeAttribute, resourceAttributes, toResource, type ResourceShape } from '#shared/identity/scoped-resources';
import type { Mode } from '#shared/platform/table';

/**
 * The management API's `task-templates`: the public API's task template, fields kebab-cased,
 * with `mode`. Its resource id is its `reference`, the name the public API and tasks address
 * it by (unique in its organization and mode, and read with one consistent GetItem); the
 * public `id` (`tmpl_...`) is the attribute `template-id`.
 */
export const TASK_TEMPLATE_TYPE = 'task-templates';

const templateShape: ResourceShape = { type: TASK_TEMPLATE_TYPE, schema: taskTemplate, idField: 'reference', idAttribute: 'template-id' };

export const taskTemplateAttributes = resourceAttributes(templateShape);

/** A create names its mode; the rest is the public API's create body. */
export const taskTemplateCreate = z.strictObject({ mode: modeAttribute, ...createTaskTemplateBody.shape });

/** The public API's update body: name, description, renderless, parameters. Every change makes a version. */
export const taskTemplatePatch = updateTaskTemplateBody;

/** What the get says of each version, newest first. */
export const templateVersionsMeta = z.object({
  versions: z
    .array(z.object({ version: z.number().int(), name: z.string(), 'updated-at': z.string() }))
    .meta({ description: 'The newest versions (at most 100), newest first; read one whole with `version`.' }),
});

export function taskTemplateResource(mode: Mode, template: TaskTemplate) {
  return toResource(templateShape, mode, template);
}
