import type { Mode } from '#shared/platform/table';

/** Who an API key acts for: one organization, in one mode. */
export interface ApiKeyPrincipal {
  organization_id: string;
  mode: Mode;
}
