import type { Mode } from '#shared/platform/table';

/** Who an API key acts for: one organization, in one mode, as one key. */
export interface ApiKeyPrincipal {
  organization_id: string;
  mode: Mode;
  /** The key's id (`key_...`): what request logs and audit events name, never the key itself. */
  key_id: string;
}

/**
 * A key's status as the management API shows it. `expiring`: rolled with a grace period, still
 * working until `expires_at`; `expired`: an expiring key past that moment (derived, never
 * stored); `revoked`: refused from its `revoked_at` on.
 */
export const API_KEY_STATUSES = ['active', 'expiring', 'expired', 'revoked'] as const;
export type ApiKeyStatus = (typeof API_KEY_STATUSES)[number];

/** What the record stores: `expired` follows from `expiring` and the clock. */
export type StoredApiKeyStatus = Exclude<ApiKeyStatus, 'expired'>;

/** A key's record, as its item holds it (never the key, only its hash in the item's key). */
export interface ApiKeyRecord {
  id: string;
  organization_id: string;
  mode: Mode;
  name: string | null;
  /** `sk_test_...abcd`: enough to recognize a key in a list, never enough to use it. */
  redacted: string;
  status: StoredApiKeyStatus;
  created_at: string;
  /** The user who made it; null for a key the platform or the local stack made. */
  created_by: string | null;
  last_used_at: string | null;
  /** When an `expiring` key stops working. */
  expires_at: string | null;
  revoked_at: string | null;
  /** The key this one replaced by a roll, and the one that replaced it. */
  rolled_from: string | null;
  rolled_to: string | null;
}

/** How long a rolled key may keep working: from 0 (revoked at once) to 7 days. */
export const MAX_ROLL_GRACE_SECONDS = 7 * 24 * 60 * 60;

/** `last_used_at` is written at most this often per key. */
export const LAST_USED_PRECISION_SECONDS = 60;
