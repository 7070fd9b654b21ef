import { integerSetting, optionalSetting, requiredSetting, type Environment } from '#shared/platform/config';

/**
 * File settings, read from the environment (the same names in Lambda and in the local stack),
 * with defaults that suit most organizations. A bad value is a deployment mistake: it fails
 * the call loudly (500, with the reason in the log) rather than being guessed around.
 */
export interface FileSettings {
  /** Media types a file may declare, exactly as the upload must send them. */
  allowedTypes: string[];
  /** The largest file accepted, in bytes. */
  maxBytes: number;
  /** How long a presigned upload (PUT) URL works, in seconds. */
  uploadExpiresSeconds: number;
  /** How long a presigned download (GET) URL works, in seconds. */
  downloadExpiresSeconds: number;
}

export const FILE_SETTINGS_DEFAULTS: FileSettings = {
  allowedTypes: ['application/pdf', 'image/png', 'image/jpeg', 'text/plain', 'text/csv'],
  maxBytes: 25 * 1024 * 1024,
  uploadExpiresSeconds: 900,
  downloadExpiresSeconds: 300,
};

/** SigV4 presigned URLs live at most seven days. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;
/** The most a single S3 PUT can carry. */
const MAX_SINGLE_PUT_BYTES = 5 * 1024 ** 3;
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

export function fileSettings(env?: Environment): FileSettings {
  const seconds = (name: string, fallback: number) => integerSetting(name, { fallback, max: MAX_PRESIGN_SECONDS }, env);
  return {
    allowedTypes: typesSetting('OSMA_FILES_ALLOWED_TYPES', FILE_SETTINGS_DEFAULTS.allowedTypes, env),
    maxBytes: integerSetting('OSMA_FILES_MAX_BYTES', { fallback: FILE_SETTINGS_DEFAULTS.maxBytes, max: MAX_SINGLE_PUT_BYTES }, env),
    uploadExpiresSeconds: seconds('OSMA_FILES_UPLOAD_EXPIRES_SECONDS', FILE_SETTINGS_DEFAULTS.uploadExpiresSeconds),
    downloadExpiresSeconds: seconds('OSMA_FILES_DOWNLOAD_EXPIRES_SECONDS', FILE_SETTINGS_DEFAULTS.downloadExpiresSeconds),
  };
}

/** The bucket that holds files; the stack sets it on the file functions only. */
export function filesBucket(): string {
  return requiredSetting('OSMA_FILES_BUCKET');
}

function typesSetting(name: string, fallback: string[], env?: Environment): string[] {
  const raw = optionalSetting(name, env);
  if (!raw) return fallback;
  const types = raw.split(',').map((type) => type.trim()).filter(Boolean);
  const bad = types.filter((type) => !MEDIA_TYPE.test(type));
  if (types.length === 0 || bad.length > 0) {
    throw new Error(`${name} must be a comma-separated list of lowercase media types such as application/pdf; got '${raw}'`);
  }
  return [...new Set(types)];
}
