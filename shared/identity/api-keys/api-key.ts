import { createHash } from 'node:crypto';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '#shared/platform/config';
import { db, failedConditions, isConditionFailure } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';
import { newId, randomBase62 } from '#shared/platform/ids';
import { logger } from '#shared/platform/logger';
import type { Mode } from '#shared/platform/table';
import { timestamp } from '#shared/platform/time';
import { apiKeyKeys } from '#shared/identity/api-keys/keys';
import {
  LAST_USED_PRECISION_SECONDS,
  type ApiKeyPrincipal,
  type ApiKeyRecord,
  type ApiKeyStatus,
} from '#shared/identity/api-keys/schemas';

/**
 * API keys: `sk_test_` or `sk_live_` and 27 random base62 characters (about 160 bits).
 * Only the SHA-256 of a key is stored, as the item's key, so the table never holds a usable
 * secret and a lookup is one GetItem by hash: nothing secret is compared byte by byte.
 * A fast hash is enough here because the keys are long random strings, not passwords.
 *
 * This module is what the public API's authorizer bundles: the record, its status, the
 * lookup and the last-use write. The management side (routes, step-up, audit) is manage.ts.
 */
const KEY_PATTERN = /^sk_(test|live)_[0-9A-Za-z]{20,64}$/;

export function modeOfKey(key: string): Mode | undefined {
  return KEY_PATTERN.exec(key)?.[1] as Mode | undefined;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateApiKey(mode: Mode): string {
  return `sk_${mode}_${randomBase62(27)}`;
}

/** Enough to recognize a key in a list, never enough to use it: `sk_test_...abcd`. */
export function redactKey(key: string): string {
  return `${key.slice(0, 8)}...${key.slice(-4)}`;
}

/** The status shown: an `expiring` key past its expiry is `expired`. */
export function publicStatus(record: Pick<ApiKeyRecord, 'status' | 'expires_at'>, now: number = Date.now()): ApiKeyStatus {
  if (record.status === 'expiring' && (record.expires_at === null || Date.parse(record.expires_at) <= now)) return 'expired';
  return record.status;
}

/** Whether the public API accepts the key now: active, or expiring before its expiry. */
export function isUsable(record: Pick<ApiKeyRecord, 'status' | 'expires_at'>, now: number = Date.now()): boolean {
  const status = publicStatus(record, now);
  return status === 'active' || status === 'expiring';
}

/** The record of an item. Items the local stack wrote before keys had records carry no status: active unless revoked. */
export function recordOf(item: Record<string, unknown>): ApiKeyRecord {
  const text = (name: string) => (typeof item[name] === 'string' ? (item[name] as string) : null);
  const revokedAt = text('revoked_at');
  const status = item.status === 'active' || item.status === 'expiring' || item.status === 'revoked' ? item.status : revokedAt ? 'revoked' : 'active';
  return {
    id: text('id') ?? '',
    organization_id: item.organization_id as string,
    mode: item.mode as Mode,
    name: text('name'),
    redacted: text('redacted') ?? '',
    status,
    created_at: item.created_at as string,
    created_by: text('created_by'),
    last_used_at: text('last_used_at'),
    expires_at: text('expires_at'),
    revoked_at: revokedAt,
    rolled_from: text('rolled_from'),
    rolled_to: text('rolled_to'),
  };
}

/** The record's item: nulls are left out, so that a condition on an attribute's absence reads simply. */
export function recordItem(hash: string, record: ApiKeyRecord): Record<string, unknown> {
  const present = Object.entries(record).filter(([, value]) => value !== null);
  return { ...apiKeyKeys.key(hash), entity: 'api_key', ...Object.fromEntries(present) };
}

/** The listing item: written once, with the record, and never changed. */
export function listingItem(hash: string, record: ApiKeyRecord): Record<string, unknown> {
  return {
    ...apiKeyKeys.listing(record.organization_id, record.id),
    entity: 'api_key_listing',
    id: record.id,
    hash,
    mode: record.mode,
    created_at: record.created_at,
  };
}

export interface NewApiKey {
  /** The key itself: shown once, in the answer that made it, and never stored. */
  secret: string;
  hash: string;
  record: ApiKeyRecord;
  /** The record's and the listing item's Puts, each only where nothing is: for the caller's transaction. */
  puts: { Put: { TableName: string; Item: Record<string, unknown>; ConditionExpression: string } }[];
}

/** A new key of an organization and its two items, to be written in one transaction with whatever else the change writes. */
export function newApiKey(
  organizationId: string,
  options: { mode?: Mode; key?: string; name?: string | null; createdBy?: string | null; rolledFrom?: string | null; now?: Date },
): NewApiKey {
  const secret = options.key ?? generateApiKey(options.mode ?? 'test');
  const mode = modeOfKey(secret);
  if (!mode) throw errors.invalidParams([{ param: 'key', message: 'An API key starts with sk_test_ or sk_live_ followed by 20 to 64 letters or digits' }]);
  const now = options.now ?? new Date();
  const record: ApiKeyRecord = {
    id: newId('apiKey', now.getTime()),
    organization_id: organizationId,
    mode,
    name: options.name ?? null,
    redacted: redactKey(secret),
    status: 'active',
    created_at: timestamp(now),
    created_by: options.createdBy ?? null,
    last_used_at: null,
    expires_at: null,
    revoked_at: null,
    rolled_from: options.rolledFrom ?? null,
    rolled_to: null,
  };
  const hash = hashApiKey(secret);
  const put = (Item: Record<string, unknown>) => ({ Put: { TableName: tableName(), Item, ConditionExpression: 'attribute_not_exists(pk)' } });
  return { secret, hash, record, puts: [put(recordItem(hash, record)), put(listingItem(hash, record))] };
}

/**
 * Stores a given key for an organization as an ordinary record (listed, rollable, revocable);
 * the mode comes from the key's own prefix. What the local stack and the test and bench setups
 * use; people make keys through the management API. A key stored already is a 409.
 */
export async function storeApiKey(
  organizationId: string,
  key: string,
  options: { name?: string | null; createdBy?: string | null } = {},
): Promise<ApiKeyRecord> {
  const made = newApiKey(organizationId, { key, ...options });
  try {
    await db().send(new TransactWriteCommand({ TransactItems: made.puts }));
  } catch (error) {
    if (failedConditions(error)?.length) throw errors.alreadyExists('This API key is stored already.', 'key');
    throw error;
  }
  return made.record;
}

/**
 * Makes sure a given key of an organization has a record, and answers it: stores an unknown
 * key (as storeApiKey), and gives a key stored before keys had records (the local stack's, on
 * an older data dir) its id, name, status and listing item. A key of another organization is
 * left alone (undefined). What the record says is kept: a revoked key stays revoked.
 */
export async function adoptApiKey(organizationId: string, key: string, name: string): Promise<ApiKeyRecord | undefined> {
  const existing = await recordOfKey(key);
  if (!existing) return storeApiKey(organizationId, key, { name });
  if (existing.organization_id !== organizationId) return undefined;
  if (existing.id) return existing;
  const hash = hashApiKey(key);
  const adopted: ApiKeyRecord = { ...existing, id: newId('apiKey'), name: existing.name ?? name, redacted: redactKey(key) };
  await db().send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: tableName(),
            Key: apiKeyKeys.key(hash),
            UpdateExpression: 'SET id = :id, #name = :name, #status = :status, redacted = :redacted',
            ConditionExpression: 'attribute_not_exists(id) AND organization_id = :organization',
            ExpressionAttributeNames: { '#name': 'name', '#status': 'status' },
            ExpressionAttributeValues: {
              ':id': adopted.id,
              ':name': adopted.name,
              ':status': adopted.status,
              ':redacted': adopted.redacted,
              ':organization': organizationId,
            },
          },
        },
        { Put: { TableName: tableName(), Item: listingItem(hash, adopted), ConditionExpression: 'attribute_not_exists(pk)' } },
      ],
    }),
  );
  return adopted;
}

/** The record of a key, by the key itself (one strongly consistent GetItem by hash), or undefined. */
export async function recordOfKey(key: string): Promise<ApiKeyRecord | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: apiKeyKeys.key(hashApiKey(key)), ConsistentRead: true }));
  return Item ? recordOf(Item) : undefined;
}

export interface ResolvedApiKey extends ApiKeyPrincipal {
  hash: string;
  last_used_at: string | null;
}

/**
 * The organization, mode and key id a key acts for, or undefined for a malformed, unknown,
 * revoked or expired key. One strongly consistent GetItem: a revocation is seen by the next
 * uncached check, never a moment later.
 */
export async function resolveApiKey(key: string, now: number = Date.now()): Promise<ResolvedApiKey | undefined> {
  const mode = modeOfKey(key);
  if (!mode) return undefined;
  const hash = hashApiKey(key);
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: apiKeyKeys.key(hash), ConsistentRead: true }));
  if (!Item) return undefined;
  const record = recordOf(Item);
  if (record.mode !== mode || !isUsable(record, now)) return undefined;
  return { organization_id: record.organization_id, mode, key_id: record.id, hash, last_used_at: record.last_used_at };
}

/**
 * Records that a key was used, at most once per LAST_USED_PRECISION_SECONDS: nothing is
 * written while the stored time is newer than that, and the write itself is conditional on
 * it, so racing checks write once. The authorizer calls this on its own (cached) checks only,
 * so the time is as precise as the authorizer's cache period (or the minute, if longer).
 * A failure is logged, never the caller's: a request is not refused for want of a timestamp.
 */
export async function noteKeyUse(key: Pick<ResolvedApiKey, 'hash' | 'last_used_at' | 'key_id'>, now: number = Date.now()): Promise<boolean> {
  const cutoff = timestamp(new Date(now - LAST_USED_PRECISION_SECONDS * 1000));
  if (key.last_used_at !== null && key.last_used_at > cutoff) return false;
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: apiKeyKeys.key(key.hash),
        UpdateExpression: 'SET last_used_at = :now',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(last_used_at) OR last_used_at <= :cutoff)',
        ExpressionAttributeValues: { ':now': timestamp(new Date(now)), ':cutoff': cutoff },
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionFailure(error)) logger.warn('could not record an API key use', { api_key_id: key.key_id, error: (error as Error).message });
    return false;
  }
}
