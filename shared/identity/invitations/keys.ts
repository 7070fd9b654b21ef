import { createHash } from 'node:crypto';

/**
 * Registration invitations, SDK-free so that the CDK can name them.
 *
 * - `ORG#<org>#INVITATION` / `inv_...`: one invitation (its person, roles, status, expiry, the
 *   SHA-256 of its current token). The organization's list is one Query, newest first.
 * - gsi2 lists them by stored status (`pending`, `accepted`, `revoked`), newest first. `expired`
 *   is not stored: it is a `pending` invitation whose `expires_time` has passed, so it moves
 *   there by time alone, with no write.
 * - `INVITE#<token hash>` / `INVITE`: the lookup of the current token (its organization and
 *   invitation), global because accepting has no organization yet; `expires_at` (the table's
 *   TTL) deletes it some time after the link dies. The token itself is never stored.
 * - `THROTTLE#invitation#ip#<address>#<window>`: failed accepts from one address (accept.ts).
 */
export const INVITATION_STATUSES = ['pending', 'accepted', 'revoked'] as const;
export type StoredInvitationStatus = (typeof INVITATION_STATUSES)[number];

export const invitationKeys = {
  pk: (organizationId: string) => `ORG#${organizationId}#INVITATION`,
  invitation: (organizationId: string, id: string) => ({ pk: invitationKeys.pk(organizationId), sk: id }),
  byStatus: (organizationId: string, status: StoredInvitationStatus) => `ORG#${organizationId}#INVITATION#STATUS#${status}`,
  token: (tokenHash: string) => ({ pk: `INVITE#${tokenHash}`, sk: 'INVITE' }),
};

/** Failed accepts from one address in one throttle window (a counter with a TTL, beside the login throttle's). */
export function acceptThrottleKey(sourceIp: string, window: number) {
  return { pk: `THROTTLE#invitation#ip#${sourceIp}#${window}`, sk: 'THROTTLE' };
}

/** A token's SHA-256, hex: 256 random bits need no slow hash, and the table never holds a usable token. */
export function hashInvitationToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
