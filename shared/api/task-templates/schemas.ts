import * as z from 'zod';
import { timestampSchema, storableObject } from '#shared/api/schemas';

export const templateReference = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_-]+$/, { error: 'reference may contain only letters, digits, _ and -' })
  .meta({ description: 'The API reference that tasks name, unique per organization and mode.', example: 'update_blood_pressure' });

/** References come also from paths and task bodies: a text that fails the rule names no template. */
export const isTemplateReference = (text: string): boolean => templateReference.safeParse(text).success;

// Whether it is a usable JSON Schema is checked by the template module, so that only the
// functions that need a JSON Schema validator bundle one.
const parametersSchema = storableObject('parameters')
  .meta({ description: "A JSON Schema (a subset of draft-07) that a task's parameters must satisfy." });

export const taskTemplate = z
  .object({
    id: z.string().meta({ example: 'tmpl_2BU1ecNdKXgRfRxPSjFDXfmv0tV' }),
    reference: z.string(),
    version: z.number().int().meta({ description: 'Starts at 1; every update makes a new version. Tasks pin one.' }),
    name: z.string(),
    description: z.string().nullable(),
    renderless: z.boolean(),
    parameters: z.record(z.string(), z.unknown()).nullable(),
    live_mode: z.boolean(),
    created_at: timestampSchema,
    updated_at: timestampSchema,
  })
  .meta({ id: 'TaskTemplate', description: 'Extension: a template that tasks are instances of.' });

export type TaskTemplate = z.infer<typeof taskTemplate>;

const fields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().max(1000).nullable().optional(),
  renderless: z.boolean(),
  parameters: parametersSchema.nullable().optional(),
};

export const createTaskTemplateBody = z
  .strictObject({ reference: templateReference, ...fields, renderless: fields.renderless.default(false) })
  .meta({ id: 'CreateTaskTemplateRequest' });

export const updateTaskTemplateBody = z
  .strictObject({ name: fields.name.optional(), description: fields.description, renderless: fields.renderless.optional(), parameters: fields.parameters })
  .meta({ id: 'UpdateTaskTemplateRequest' });

export const templatePath = z.strictObject({ reference: z.string() });

export const templateVersionQuery = z.strictObject({
  version: z.coerce
    .number({ error: 'version must be a positive integer' })
    .int({ error: 'version must be a positive integer' })
    .min(1, { error: 'version must be a positive integer' })
    .optional()
    .meta({ description: 'Read an older version; the latest by default.' }),
});

export type CreateTaskTemplateInput = z.infer<typeof createTaskTemplateBody>;
export type UpdateTaskTemplateInput = z.infer<typeof updateTaskTemplateBody>;
