import { ID_PREFIXES } from '#shared/platform/ids';
import { scopeKey, type Mode, type Scope } from '#shared/platform/table';

/**
 * Where a file lives, in the table and in the bucket. This module has no AWS SDK import: the
 * CDK stack reads the same key scheme to limit the file functions' grants to it.
 *
 * The object key is made only from the organization, the mode and the file id, never from
 * anything a client chooses (the filename goes to Content-Disposition on download):
 * `files/<organization id>/<mode>/<file id>`.
 */
export const FILE_KEY_PREFIX = 'files';

export const fileKeys = {
  pk: (scope: Scope) => `${scopeKey(scope)}#FILE`,
  key: (scope: Scope, id: string) => ({ pk: fileKeys.pk(scope), sk: id }),
};

export function objectKey(scope: Scope, fileId: string): string {
  return `${FILE_KEY_PREFIX}/${scope.organizationId}/${scope.mode}/${fileId}`;
}

/**
 * The object key scheme as IAM resource patterns (appended to the bucket ARN), one per mode:
 * `files/org_*\/test/file_*` and `files/org_*\/live/file_*`. The file functions may touch
 * nothing else in the bucket.
 */
export function objectKeyPatterns(): string[] {
  const modes: Mode[] = ['test', 'live'];
  return modes.map((mode) => `${FILE_KEY_PREFIX}/${ID_PREFIXES.organization}_*/${mode}/${ID_PREFIXES.file}_*`);
}
