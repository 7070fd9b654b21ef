import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';
import { isId, newId } from '#shared/platform/ids';
import { queryPage, unexpired, type Page, type PageRequest } from '#shared/platform/pagination';
import { isIsoDate, timestamp } from '#shared/platform/time';
import { auditKeys } from '#shared/identity/audit/keys';

/**
 * The audit trail: one item per security event. A change that has its own transaction (a
 * password changed, a session ended, an organization suspended) puts `auditItem(...)` in it, so
 * the event is recorded exactly when the change is, as webhook events are (see the outbox);
 * an event with no change of its own (a failed login) is written alone with `writeAudit`.
 *
 * Never a password, token, code or secret: `data` is a flat record whose keys are checked
 * against the words such values go by (`assertNoSecretKeys`), and it holds ids and reasons.
 * Items are kept AUDIT_RETENTION_SECONDS, then DynamoDB's TTL deletes them.
 */
export const AUDIT_ACTIONS = [
  'login.succeeded',
  'login.failed',
  'refresh_token.reused',
  'password.changed',
  'password.reset',
  'mfa.enabled',
  'mfa.disabled',
  'session.ended',
  'organization.created',
  'organization.suspended',
  'organization.reactivated',
  'user.state_changed',
  'role.created',
  'role.updated',
  'role.deleted',
  'role.assigned',
  'role.removed',
  'user.updated',
  'invitation.created',
  'invitation.resent',
  'invitation.revoked',
  'invitation.accepted',
  'webhook_endpoint.created',
  'webhook_endpoint.updated',
  'webhook_endpoint.deleted',
  'webhook_endpoint.secret_rotated',
  'webhook_endpoint.enabled',
  'task_template.created',
  'task_template.updated',
  'organization.updated',
  'api_key.created',
  'api_key.rolled',
  'api_key.revoked',
  'api_key.updated',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const ACTOR_TYPES = ['user', 'platform', 'api-key', 'anonymous'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/**
 * 400 days: a whole year back from any day of the next one's review (a yearly audit looks at the
 * last twelve months, some weeks after they end), at a cost of a few hundred bytes per event.
 */
export const AUDIT_RETENTION_SECONDS = 400 * 24 * 60 * 60;

/** What one event's free-form part may hold: a few scalars, never a structure to grow. */
export const AUDIT_DATA_LIMITS = { keys: 20, valueLength: 512 } as const;

/** Longer user agents are cut (the header is the caller's to fill). */
export const MAX_USER_AGENT_LENGTH = 512;

export type AuditData = Record<string, string | number | boolean | null>;

export interface AuditEvent {
  /** The organization the event belongs to; none for an event of no organization. */
  organizationId?: string;
  action: AuditAction;
  /** Who did it: a user (their id), the platform team's tooling, an API key (its id), or no one known. */
  actor: { type: ActorType; id?: string };
  /** What it was done to: `{type: 'session', id}`, `{type: 'user', id}`, `{type: 'organization', id}`... */
  target?: { type: string; id: string };
  ip?: string;
  userAgent?: string;
  data?: AuditData;
}

export interface AuditRecord extends AuditEvent {
  id: string;
  createdAt: string;
}

/**
 * The item to Put in the change's own transaction:
 * `{ Put: { TableName: tableName(), Item: auditItem(event) } }`.
 */
export function auditItem(event: AuditEvent, now: Date = new Date()): Record<string, unknown> {
  assertRecordable(event);
  const id = newId('auditEvent', now.getTime());
  return {
    ...auditKeys.key(id, { organizationId: event.organizationId, day: utcDay(now) }),
    entity: 'audit',
    id,
    organization_id: event.organizationId,
    action: event.action,
    actor: { type: event.actor.type, id: event.actor.id },
    target: event.target && { type: event.target.type, id: event.target.id },
    ip: event.ip,
    user_agent: event.userAgent?.slice(0, MAX_USER_AGENT_LENGTH),
    data: event.data,
    created_at: timestamp(now),
    expires_at: Math.floor(now.getTime() / 1000) + AUDIT_RETENTION_SECONDS,
  };
}

/** Records an event that has no transaction of its own (a failed login, a reused refresh token). */
export async function writeAudit(event: AuditEvent): Promise<AuditRecord> {
  const item = auditItem(event);
  await db().send(new PutCommand({ TableName: tableName(), Item: item }));
  return fromItem(item);
}

/** One organization's events, newest first, paged as every list (shared/platform/pagination.ts). */
export function listAudit(organizationId: string, request: PageRequest): Promise<Page<AuditRecord>> {
  if (!isId('organization', organizationId)) throw new Error(`Not an organization id: ${organizationId}`);
  return listPartition(auditKeys.organizationPk(organizationId), request);
}

/** The events of no organization recorded on one UTC day (`yyyy-mm-dd`), newest first: the platform team's view. */
export function listPlatformAudit(day: string, request: PageRequest): Promise<Page<AuditRecord>> {
  if (!isIsoDate(day)) throw new Error(`Not a day (yyyy-mm-dd): ${day}`);
  return listPartition(auditKeys.platformPk(day), request);
}

function listPartition(partitionValue: string, request: PageRequest): Promise<Page<AuditRecord>> {
  return queryPage({
    kind: 'auditEvent',
    request,
    source: { partitionKey: 'pk', partitionValue, idKey: 'sk' },
    filter: unexpired(),
    fromItem,
  });
}

export function fromItem(item: Record<string, unknown>): AuditRecord {
  const actor = item.actor as AuditRecord['actor'];
  const target = item.target as AuditRecord['target'];
  return {
    id: item.id as string,
    createdAt: item.created_at as string,
    ...(item.organization_id !== undefined && { organizationId: item.organization_id as string }),
    action: item.action as AuditAction,
    actor: { type: actor.type, ...(actor.id !== undefined && { id: actor.id }) },
    ...(target && { target: { type: target.type, id: target.id } }),
    ...(item.ip !== undefined && { ip: item.ip as string }),
    ...(item.user_agent !== undefined && { userAgent: item.user_agent as string }),
    ...(item.data !== undefined && { data: item.data as AuditData }),
  };
}

/** The UTC day of a moment, `yyyy-mm-dd`: the platform partition it is recorded in. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * An event that cannot be recorded is the caller's mistake, refused before anything is
 * written: an unknown action or actor, an actor without its id (or `anonymous` with one), an
 * organization id of the wrong shape, a `data` that could hold a secret or grow without bound.
 */
function assertRecordable(event: AuditEvent): void {
  if (!(AUDIT_ACTIONS as readonly string[]).includes(event.action)) throw new Error(`Unknown audit action: ${event.action}`);
  const { type, id } = event.actor;
  if (!(ACTOR_TYPES as readonly string[]).includes(type)) throw new Error(`Unknown audit actor type: ${type}`);
  if ((type === 'user' || type === 'api-key') && !id) throw new Error(`An audit actor of type ${type} needs its id`);
  if (type === 'anonymous' && id !== undefined) throw new Error('An anonymous audit actor has no id');
  if (event.organizationId !== undefined && !isId('organization', event.organizationId)) {
    throw new Error(`Not an organization id: ${event.organizationId}`);
  }
  if (event.data) assertSmallFlatData(event.data);
}

function assertSmallFlatData(data: AuditData): void {
  const entries = Object.entries(data);
  if (entries.length > AUDIT_DATA_LIMITS.keys) throw new Error(`Audit data holds at most ${AUDIT_DATA_LIMITS.keys} keys`);
  for (const [key, value] of entries) {
    assertNoSecretKey(key);
    if (value !== null && typeof value === 'object') throw new Error(`Audit data is flat: ${key} holds a structure`);
    if (typeof value === 'string' && value.length > AUDIT_DATA_LIMITS.valueLength) {
      throw new Error(`Audit data values are at most ${AUDIT_DATA_LIMITS.valueLength} characters: ${key} is longer`);
    }
  }
}

/**
 * Words a key of a secret goes by. A key made of words (kebab, snake or camel case) is refused
 * when one of them is here, unless it ends in `id` (an `api-key-id` names a key, it holds none).
 */
export const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'code',
  'otp',
  'totp',
  'hash',
  'key',
  'cookie',
  'authorization',
  'credential',
  'credentials',
  'uri',
  'url',
  'link',
]);

export function isSecretKey(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (words.at(-1) === 'id') return false;
  return words.some((word) => SECRET_WORDS.has(word));
}

function assertNoSecretKey(key: string): void {
  if (isSecretKey(key)) throw new Error(`Audit data must not hold a secret, and '${key}' names one`);
}
