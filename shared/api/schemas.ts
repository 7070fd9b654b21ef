import * as z from 'zod';
import { ERROR_CODES, ERROR_TYPES } from '#shared/platform/errors';
import { isIsoDate } from '#shared/platform/time';
import { storableProblems } from '#shared/platform/storable';

/** Schemas that several resources share: metadata, timestamps, lists, errors. */

export const METADATA_LIMITS = { keys: 50, keyLength: 50, valueLength: 500 } as const;

/**
 * Metadata as a request sends it. A null or empty value unsets that key on update (and is
 * dropped on create), as Stripe does; the limits are checked again on the merged result.
 */
export const metadataInput = z
  .record(z.string(), z.string().nullable())
  .superRefine((metadata, ctx) => {
    for (const issue of metadataProblems(metadata)) ctx.addIssue({ code: 'custom', ...issue });
  })
  .meta({
    description: `Key-value pairs you can attach to the object: at most ${METADATA_LIMITS.keys} keys, keys up to ${METADATA_LIMITS.keyLength} characters, values up to ${METADATA_LIMITS.valueLength}. A null or empty value unsets a key.`,
  });

export const metadataOutput = z.record(z.string(), z.string()).meta({ id: 'Metadata' });

export function metadataProblems(metadata: Record<string, string | null>): { path: string[]; message: string }[] {
  const problems: { path: string[]; message: string }[] = [];
  const keys = Object.keys(metadata);
  if (keys.length > METADATA_LIMITS.keys) {
    problems.push({ path: [], message: `metadata can have at most ${METADATA_LIMITS.keys} keys` });
  }
  for (const key of keys) {
    // DynamoDB stores no empty attribute name, and a map's keys are attribute names.
    if (key === '') problems.push({ path: [], message: 'metadata keys must not be empty' });
    if (key.length > METADATA_LIMITS.keyLength) {
      problems.push({ path: [key], message: `metadata keys can be at most ${METADATA_LIMITS.keyLength} characters` });
    }
    const value = metadata[key];
    if (typeof value === 'string' && value.length > METADATA_LIMITS.valueLength) {
      problems.push({ path: [key], message: `metadata.${key} can be at most ${METADATA_LIMITS.valueLength} characters` });
    }
  }
  return problems;
}

/**
 * A free-form JSON object that is stored as it was sent (task `parameters` and `data`, a
 * template's `parameters`): anything the store cannot hold as sent is a 400 naming where it is.
 * `param` is the parameter's name as the consumer sends it, for the messages.
 */
export const storableObject = (param: string) =>
  z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
    for (const { path, message } of storableProblems(value, param)) ctx.addIssue({ code: 'custom', path, message });
  });

export const isoDate = (param: string) =>
  z.string({ error: `${param} must be a valid ISO 8601 date string` }).refine(isIsoDate, {
    error: `${param} must be a valid ISO 8601 date string`,
  });

export const timestampSchema = z.string().meta({
  description: 'ISO 8601 timestamp with offset.',
  example: '2022-05-02T12:20:13.080819+00:00',
});

export const statusTransition = <S extends z.ZodType>(status: S) =>
  z.object({ from: status, to: status, timestamp: timestampSchema });

const LIMIT_MESSAGE = 'limit must be an integer between 1 and 100';

export const listQuery = z.strictObject({
  limit: z.coerce
    .number({ error: LIMIT_MESSAGE })
    .int({ error: LIMIT_MESSAGE })
    .min(1, { error: LIMIT_MESSAGE })
    .max(100, { error: LIMIT_MESSAGE })
    .default(10)
    .meta({ description: 'Maximum number of items to return, 1 to 100.' }),
  starting_after: z.string().optional().meta({ description: 'ID of the object to use as the pagination cursor: the page after it.' }),
  ending_before: z.string().optional().meta({ description: 'ID of the object to use as the pagination cursor: the page before it.' }),
});

export const idPath = z.strictObject({ id: z.string() });

export const listOf = <S extends z.ZodType>(item: S) =>
  z.object({
    has_next: z.boolean().meta({ description: 'Whether more objects exist in the direction of pagination.' }),
    data: z.array(item),
  });

export const errorBody = z
  .object({
    type: z.enum(ERROR_TYPES),
    code: z.enum(ERROR_CODES).optional(),
    message: z.string(),
    params: z.array(z.object({ param: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Error' });

export const rateLimitBody = z
  .object({ type: z.literal('rate_limit_error'), message: z.string(), status_code: z.literal(429) })
  .meta({ id: 'RateLimitError' });

export const openApiDocumentBody = z
  .looseObject({
    openapi: z.string(),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'OpenApiDocument', description: 'An OpenAPI 3.1 document.' });

export const openApiYamlBody = z.string().meta({ description: 'An OpenAPI 3.1 document in YAML.' });
