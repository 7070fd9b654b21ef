import type { z } from 'zod';
import { errors, type OsmaError, type ParamError } from '#shared/platform/errors';

/**
 * Parses request input with a zod schema and turns its issues into the spec's `params`:
 * one entry per parameter, named as the consumer sent it (nested keys joined by dots).
 * A missing required parameter makes the error `parameter_missing`; unknown parameters
 * are named so a typo is obvious.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, location?: ParamError['in']): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw toRequestError(result.error, location);
}

export function toRequestError(error: z.ZodError, location?: ParamError['in']): OsmaError {
  let anyMissing = false;
  const params: ParamError[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const param = paramName([...issue.path, key]);
        params.push({ param, message: `Received unknown parameter: ${param}`, ...(location && { in: location }) });
      }
      continue;
    }
    const param = paramName(issue.path);
    const missing = issue.code === 'invalid_type' && issue.input === undefined;
    anyMissing ||= missing;
    params.push({ param, message: missing ? `${param} is required` : describe(param, issue), ...(location && { in: location }) });
  }
  return anyMissing ? errors.parameterMissing(params) : errors.invalidParams(params);
}

function paramName(path: PropertyKey[]): string {
  return path.map(String).join('.');
}

function describe(param: string, issue: z.core.$ZodIssue): string {
  // Messages written in a schema (`{ error: '...' }`) are already full sentences.
  if (!issue.message.startsWith('Invalid') && !issue.message.startsWith('Too ')) return issue.message;
  switch (issue.code) {
    case 'invalid_type': {
      // zod calls a record a record; to a JSON consumer it is an object.
      const expected = issue.expected === 'record' ? 'object' : issue.expected;
      return `${param} must be ${article(expected)} ${expected}`;
    }
    case 'invalid_value':
      return `${param} must be one of: ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'email'
        ? `${param} must be a valid email address`
        : issue.format === 'url'
          ? `${param} must be a valid URL`
          : `${param} is not in the expected format`;
    case 'too_big':
      return issue.origin === 'string'
        ? `${param} must be at most ${issue.maximum} characters`
        : `${param} must be at most ${issue.maximum}`;
    case 'too_small':
      return issue.origin === 'string'
        ? Number(issue.minimum) <= 1
          ? `${param} must not be empty`
          : `${param} must be at least ${issue.minimum} characters`
        : `${param} must be at least ${issue.minimum}`;
    default:
      return `${param} is invalid`;
  }
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}
