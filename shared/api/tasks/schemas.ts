import * as z from 'zod';
import {
  listQuery,
  metadataInput,
  metadataOutput,
  statusTransition,
  timestampSchema,
  storableObject,
} from '#shared/api/schemas';

export const TASK_STATUSES = ['ready', 'in_progress', 'completed', 'deleted'] as const;
export const TASK_PRIORITIES = ['routine', 'time_sensitive', 'high_priority', 'urgent'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

const taskStatus = z.enum(TASK_STATUSES);
const MAX_JSON_CHARACTERS = 64_000;

/**
 * Free-form JSON objects (parameters, data), each bounded in characters of JSON. Characters,
 * not bytes: the task as a whole is held to the store's item size when it is written.
 */
const jsonObject = (param: string) =>
  storableObject(param).refine((value) => JSON.stringify(value).length <= MAX_JSON_CHARACTERS, {
    error: `${param} can be at most ${MAX_JSON_CHARACTERS} characters of JSON`,
  });

const httpUrl = z
  .url({ protocol: /^https?$/, error: 'external_url must be a valid http or https URL' })
  .max(2048);

export const task = z
  .object({
    id: z.string().meta({ example: 'task_2BU1ecNdKXgRfRxPSjFDXfmv0tV' }),
    template: z.string().meta({ example: 'update_blood_pressure' }),
    template_version: z.number().int(),
    status: taskStatus,
    priority: z.enum(TASK_PRIORITIES),
    assigned_to: z.string().nullable(),
    created_by: z.string().nullable(),
    member: z.string().nullable(),
    description: z.string().nullable(),
    parameters: z.record(z.string(), z.unknown()),
    data: z.record(z.string(), z.unknown()),
    external_url: z.string().nullable(),
    live_mode: z.boolean(),
    metadata: metadataOutput,
    created_at: timestampSchema,
    updated_at: timestampSchema,
    status_transitions: z.array(statusTransition(taskStatus)),
  })
  .meta({ id: 'Task', description: 'An instance of a task template, done as part of your workflows.' });

export type Task = z.infer<typeof task>;

export const createTaskBody = z
  .strictObject({
    template: z.string().min(1).max(100).meta({ description: 'The API reference of the template.' }),
    template_version: z.number().int().min(1).optional().meta({ description: 'Defaults to the latest version.' }),
    parameters: jsonObject('parameters').optional(),
    assigned_to: z.string().nullable().optional(),
    priority: z.enum(TASK_PRIORITIES).default('routine'),
    description: z.string().max(1000).nullable().optional(),
    member: z.string().nullable().optional(),
    external_url: httpUrl.nullable().optional(),
    metadata: metadataInput.optional(),
  })
  .meta({ id: 'CreateTaskRequest' });

export const updateTaskBody = z
  .strictObject({
    template_version: z.number().int().min(1).optional().meta({ description: 'Only while the task is ready.' }),
    parameters: jsonObject('parameters').optional().meta({ description: 'Only while the task is ready.' }),
    assigned_to: z.string().nullable().optional(),
    priority: z.enum(TASK_PRIORITIES).optional(),
    description: z.string().max(1000).nullable().optional(),
    external_url: httpUrl.nullable().optional(),
    metadata: metadataInput.nullable().optional(),
    status: z
      .enum(['in_progress', 'completed'])
      .optional()
      .meta({ description: 'Extension: ready -> in_progress -> completed, or ready -> completed.' }),
    data: jsonObject('data').optional().meta({ description: 'Extension: replaces the data of the task.' }),
  })
  .meta({ id: 'UpdateTaskRequest' });

export const listTasksQuery = listQuery.extend({
  status: taskStatus.optional(),
  member: z.string().optional(),
  assigned_to: z.string().optional(),
});

export type CreateTaskInput = z.infer<typeof createTaskBody>;
export type UpdateTaskInput = z.infer<typeof updateTaskBody>;
export type ListTasksQuery = z.infer<typeof listTasksQuery>;
