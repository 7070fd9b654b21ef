import { errors } from '#shared/platform/errors';
import { metadataProblems } from '#shared/api/schemas';

/** Null or empty values unset keys; the limits hold for the merged result. */
export function mergeMetadata(current: Record<string, string>, changes: Record<string, string | null> = {}): Record<string, string> {
  const merged = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === '') delete merged[key];
    else merged[key] = value;
  }
  const problems = metadataProblems(merged);
  if (problems.length) {
    throw errors.invalidParams(problems.map(({ path, message }) => ({ param: ['metadata', ...path].join('.'), message })));
  }
  return merged;
}
