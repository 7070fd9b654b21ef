/**
 * Settings the suite's local stack runs with, where they differ from the defaults, so that
 * tests can show the stack reads them (and a too-large file stays small).
 */
export const STACK_SETTINGS = {
  OSMA_FILES_MAX_BYTES: String(1024 * 1024),
  OSMA_FILES_UPLOAD_EXPIRES_SECONDS: '600',
  OSMA_FILES_DOWNLOAD_EXPIRES_SECONDS: '120',
} as const;
