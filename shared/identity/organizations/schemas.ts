import type { Mode } from '#shared/platform/table';

/**
 * What the API promises an organization, kept on its item so that raising a limit or moving
 * the default version is a setting, not a code change. The authorizer hands them to every
 * request in its (cached) context, so reading them costs no request anything.
 */
export interface OrganizationSettings {
  /** Requests per second, per endpoint, in each mode. */
  rate_limits: Record<Mode, number>;
  /** The API version used when a request names none (`osma-api-version`). */
  api_version: string;
}

/** The spec's limits: 100 requests per second in live mode, 20 in test mode, per endpoint. */
export const DEFAULT_RATE_LIMITS: Readonly<Record<Mode, number>> = { test: 20, live: 100 };
