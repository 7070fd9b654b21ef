import { batchGet } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';
import { fileKeys } from '#shared/api/files/keys';
import { isId } from '#shared/platform/ids';
import type { Scope } from '#shared/platform/table';

/**
 * Tasks hold file ids in their `data` (the spec's Files section). Every string in the data that
 * has the shape of a file id is a reference, wherever it sits, and must be a file of the
 * task's own organization and mode. One BatchGetItem reads them all, so a task can
 * reference at most MAX_FILE_REFERENCES distinct files (BatchGetItem's limit).
 */
export const MAX_FILE_REFERENCES = 100;

export interface FileReference {
  /** Where the id sits, named as the consumer sent it: `data.scan`, `data.pages.0`. */
  path: string;
  id: string;
}

export function fileReferences(value: unknown, path = 'data'): FileReference[] {
  if (typeof value === 'string') return isId('file', value) ? [{ path, id: value }] : [];
  if (Array.isArray(value)) return value.flatMap((entry, index) => fileReferences(entry, `${path}.${index}`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, entry]) => fileReferences(entry, `${path}.${key}`));
  }
  return [];
}

/** Throws a 400 naming each path whose file id is not a file of this organization and mode. */
export async function assertFileReferences(scope: Scope, data: Record<string, unknown>): Promise<void> {
  const references = fileReferences(data);
  if (references.length === 0) return;
  const ids = [...new Set(references.map((reference) => reference.id))];
  if (ids.length > MAX_FILE_REFERENCES) {
    throw errors.invalidParams([
      { param: 'data', message: `data can reference at most ${MAX_FILE_REFERENCES} different files; it has ${ids.length}` },
    ]);
  }
  const found = await existingFiles(scope, ids);
  const missing = references.filter((reference) => !found.has(reference.id));
  if (missing.length) {
    throw errors.fileReferencesNotFound(
      missing.map(({ path, id }) => ({ param: path, message: `No file with the id '${id}' exists in ${scope.mode} mode.` })),
    );
  }
}

async function existingFiles(scope: Scope, ids: string[]): Promise<Set<string>> {
  // Existence is all that matters: read the keys only.
  const find = await batchGet(ids.map((id) => fileKeys.key(scope, id)), { keysOnly: true });
  return new Set(ids.filter((id) => find(fileKeys.key(scope, id))));
}
