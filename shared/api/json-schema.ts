import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { ParamError } from '#shared/platform/errors';

/**
 * Task templates may carry a JSON Schema (draft-07) for their tasks' parameters. Ajv is the
 * validator the Lambda world already uses (Powertools' validation utility is built on it).
 * Compiled validators are kept per schema text, so a warm function compiles each once.
 */
const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new Map<string, ValidateFunction>();

export const MAX_SCHEMA_BYTES = 20_000;

/** Why a schema is not usable, or undefined when it is. */
export function schemaProblem(schema: unknown): string | undefined {
  if (JSON.stringify(schema).length > MAX_SCHEMA_BYTES) return `parameters schema can be at most ${MAX_SCHEMA_BYTES} bytes`;
  try {
    validatorFor(schema as object);
    return undefined;
  } catch (error) {
    return `parameters must be a valid JSON Schema: ${(error as Error).message}`;
  }
}

/** The params errors of a value checked against a schema, named under `param`. */
export function schemaErrors(schema: object, value: unknown, param: string): ParamError[] {
  const validate = validatorFor(schema);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((error) => toParamError(error, param));
}

function validatorFor(schema: object): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    if (compiled.size > 200) compiled.clear();
    compiled.set(key, validate);
  }
  return validate;
}

function toParamError(error: ErrorObject, param: string): ParamError {
  const path = error.instancePath.split('/').filter(Boolean);
  if (error.keyword === 'required') path.push(String(error.params.missingProperty));
  if (error.keyword === 'additionalProperties') path.push(String(error.params.additionalProperty));
  const name = [param, ...path].join('.');
  const message =
    error.keyword === 'required'
      ? `${name} is required`
      : error.keyword === 'additionalProperties'
        ? `${name} is not allowed by the template`
        : `${name} ${error.message ?? 'is invalid'}`;
  return { param: name, message };
}
