import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { tableName } from '#shared/platform/config';
import { db, failedConditions, isConditionFailure, queryAll } from '#shared/platform/db';
import { newId } from '#shared/platform/ids';
import { ConcurrentChange, withRetries } from '#shared/platform/optimistic';
import { decryptSecret, encryptSecret } from '#shared/platform/secrets';
import { timestamp } from '#shared/platform/time';
import { TOTP_CONFIG_PREFIX, totpKeys } from '#shared/identity/mfa/keys';
import { verifyConsecutive, verifyTotp } from '#shared/identity/mfa/totp';
import type { QrCodePng } from '#shared/identity/mfa/qr-code';

/**
 * A login's TOTP configurations (seed `mfa-totp`), one item each in the login's partition.
 *
 *   pending --enable--> enabled --disable--> disabled --enable--> enabled ...
 *
 * Enabling takes two consecutive codes (and the password, which the route checks), disabling
 * takes the password (the route again); a configuration that is not enabled may be deleted. At
 * most one is enabled per login (the `TOTP-ENABLED` item, see keys.ts). A setup that is not
 * enabled within PENDING_SETUP_SECONDS expires (TTL), so abandoned setups do not pile up.
 *
 * The shared secret is stored only encrypted (shared/platform/secrets.ts), bound to its login
 * and configuration, and is shown once: in the answer of `startTotpSetup` (setup.ts).
 *
 * Refusals are returned, not thrown (`{ ok: false, reason }`), so each route answers them in
 * its own plane's error format.
 */
export type TotpState = 'pending' | 'enabled' | 'disabled';

export const PENDING_SETUP_SECONDS = 24 * 60 * 60;

const NEXT_STATES: Record<TotpState, readonly TotpState[]> = {
  pending: ['enabled'],
  enabled: ['disabled'],
  disabled: ['enabled'],
};

export function canMove(from: TotpState, to: TotpState): boolean {
  return NEXT_STATES[from].includes(to);
}

/** An enabled configuration must be disabled (with the password) before it is deleted. */
export function canDelete(state: TotpState): boolean {
  return state !== 'enabled';
}

export interface TotpConfig {
  id: string;
  login_id: string;
  state: TotpState;
  created_at: string;
  /** When it was last enabled. */
  enabled_at: string | null;
  /** When a code of it was last accepted (enabling counts). */
  last_used: string | null;
  /** The latest time step whose code was accepted: no code of it or an earlier step passes again. */
  last_used_step: number;
}

export interface TotpConfigItem extends TotpConfig {
  pk: string;
  sk: string;
  entity: 'totp_config';
  /** The base32 shared secret, encrypted (`encryptSecret`, context `totpSecretContext`). */
  secret: string;
  version: number;
  /** Epoch seconds after which a pending setup is gone (DynamoDB TTL; reads check it too). */
  expires_at?: number;
}

/** What the secret is bound to: it decrypts only on its own item. */
export function totpSecretContext(loginId: string, id: string): string {
  return `totp:${loginId}:${id}`;
}

export function fromItem(item: TotpConfigItem): TotpConfig {
  const { id, login_id, state, created_at, enabled_at, last_used, last_used_step } = item;
  return { id, login_id, state, created_at, enabled_at, last_used, last_used_step };
}

/** A pending setup past its time, which DynamoDB's TTL may not have removed yet. */
export function isExpired(item: Pick<TotpConfigItem, 'state' | 'expires_at'>, now: number): boolean {
  return item.state === 'pending' && item.expires_at !== undefined && item.expires_at * 1000 <= now;
}

/** The seed's attributes of an `mfa-totp` (plus `state`), never the secret: for lists, gets and changes. */
export function totpAttributes(config: TotpConfig, userId: string) {
  return {
    'created-at': config.created_at,
    enabled: config.state === 'enabled',
    'enabled-at': config.enabled_at,
    'last-used': config.last_used,
    state: config.state,
    'user-id': userId,
  };
}

/** The seed's `secret` object, only in the answer that starts a setup. */
export interface TotpSecretReveal {
  'provisioning-qrcode': QrCodePng;
  'provisioning-uri': string;
  'shared-secret-key': string;
}

export type TotpRefusal = 'not_found' | 'invalid_state' | 'invalid_codes' | 'another_enabled';
export type TotpChange = { ok: true; config: TotpConfig } | { ok: false; reason: TotpRefusal };

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface ChangeOptions {
  /** Items to write in the same transaction (the audit event of the change). */
  alsoWrite?: TransactItem[];
  /** The moment of the change, in milliseconds; tests move it. */
  now?: number;
}

export async function getTotpConfig(loginId: string, id: string, now: number = Date.now()): Promise<TotpConfig | undefined> {
  const item = await readItem(loginId, id, now);
  return item && fromItem(item);
}

/** Every configuration of a login, newest first (a handful: pending setups expire). */
export async function listTotpConfigs(loginId: string, now: number = Date.now()): Promise<TotpConfig[]> {
  const items = await queryAll<TotpConfigItem>(totpKeys.pk(loginId), { skPrefix: TOTP_CONFIG_PREFIX, newestFirst: true });
  return items.filter((item) => !isExpired(item, now)).map(fromItem);
}

/**
 * Enables a pending or disabled configuration with two consecutive codes of its secret (the
 * caller has checked the password). Both codes are burnt: neither signs in afterwards.
 */
export function enableTotp(loginId: string, id: string, codes: unknown, options: ChangeOptions = {}): Promise<TotpChange> {
  const now = options.now ?? Date.now();
  return withRetries(async () => {
    const item = await readItem(loginId, id, now);
    if (!item) return refused('not_found');
    if (!canMove(item.state, 'enabled')) return refused('invalid_state');
    const secret = await decryptSecret(item.secret, totpSecretContext(loginId, id));
    const check = verifyConsecutive(secret, codes, item.last_used_step, now);
    if (!check.ok) return refused('invalid_codes');
    const at = timestamp(new Date(now));
    try {
      await db().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: tableName(),
                Key: totpKeys.config(loginId, id),
                UpdateExpression:
                  'SET #state = :enabled, enabled_at = :at, last_used = :at, last_used_step = :step, version = :next REMOVE expires_at',
                ConditionExpression: 'version = :version',
                ExpressionAttributeNames: { '#state': 'state' },
                ExpressionAttributeValues: { ':enabled': 'enabled', ':at': at, ':step': check.step, ':version': item.version, ':next': item.version + 1 },
              },
            },
            {
              Put: {
                TableName: tableName(),
                Item: { ...totpKeys.enabled(loginId), entity: 'totp_enabled', config_id: id },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            ...(options.alsoWrite ?? []),
          ],
        }),
      );
    } catch (error) {
      const failed = failedConditions(error);
      if (failed?.includes(0)) throw new ConcurrentChange();
      if (failed?.includes(1)) return refused('another_enabled');
      throw error;
    }
    return { ok: true, config: { ...fromItem(item), state: 'enabled', enabled_at: at, last_used: at, last_used_step: check.step } };
  });
}

/** Disables the enabled configuration (the caller has checked the password): sign-in no longer asks for a code. */
export function disableTotp(loginId: string, id: string, options: ChangeOptions = {}): Promise<TotpChange> {
  const now = options.now ?? Date.now();
  return withRetries(async () => {
    const item = await readItem(loginId, id, now);
    if (!item) return refused('not_found');
    if (!canMove(item.state, 'disabled')) return refused('invalid_state');
    try {
      await db().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: tableName(),
                Key: totpKeys.config(loginId, id),
                UpdateExpression: 'SET #state = :disabled, version = :next',
                ConditionExpression: 'version = :version',
                ExpressionAttributeNames: { '#state': 'state' },
                ExpressionAttributeValues: { ':disabled': 'disabled', ':version': item.version, ':next': item.version + 1 },
              },
            },
            {
              Delete: {
                TableName: tableName(),
                Key: totpKeys.enabled(loginId),
                ConditionExpression: 'config_id = :id',
                ExpressionAttributeValues: { ':id': id },
              },
            },
            ...(options.alsoWrite ?? []),
          ],
        }),
      );
    } catch (error) {
      if (failedConditions(error)?.includes(0)) throw new ConcurrentChange();
      throw error;
    }
    return { ok: true, config: { ...fromItem(item), state: 'disabled' } };
  });
}

/** Deletes a configuration that is not enabled; an absent one is `not_found`. */
export async function deleteTotp(loginId: string, id: string): Promise<{ ok: true } | { ok: false; reason: 'not_found' | 'invalid_state' }> {
  try {
    await db().send(
      new DeleteCommand({
        TableName: tableName(),
        Key: totpKeys.config(loginId, id),
        ConditionExpression: 'attribute_exists(pk) AND #state <> :enabled',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':enabled': 'enabled' },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { ok: true };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return refused((error as { Item?: unknown }).Item ? 'invalid_state' : 'not_found');
  }
}

/**
 * What sign-in needs after the password was right:
 * - `not_enabled`: the login has no enabled configuration; no code is asked for (a code sent is ignored);
 * - `code_required`: it has one and no code was sent (the seed's `mfa_required`);
 * - `accepted`: the code is right and of a step after the last one used, which it now is;
 * - `refused`: anything else (wrong, malformed, replayed, or the configuration changed meanwhile).
 * The step is recorded with a condition on the stored one, so two sign-ins racing with one code
 * cannot both pass.
 */
export type LoginTotpOutcome = 'not_enabled' | 'code_required' | 'accepted' | 'refused';

export async function checkLoginTotp(loginId: string, code: string | undefined, now: number = Date.now()): Promise<LoginTotpOutcome> {
  const { Item: enabled } = await db().send(
    new GetCommand({ TableName: tableName(), Key: totpKeys.enabled(loginId), ConsistentRead: true }),
  );
  if (!enabled) return 'not_enabled';
  if (code === undefined || code === '') return 'code_required';
  const id = enabled.config_id as string;
  const item = await readItem(loginId, id, now);
  if (item?.state !== 'enabled') return 'refused';
  const check = verifyTotp(await decryptSecret(item.secret, totpSecretContext(loginId, id)), code, item.last_used_step, now);
  if (!check.ok) return 'refused';
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: totpKeys.config(loginId, id),
        UpdateExpression: 'SET last_used_step = :step, last_used = :at, version = version + :one',
        ConditionExpression: '#state = :enabled AND last_used_step < :step',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':step': check.step, ':at': timestamp(new Date(now)), ':enabled': 'enabled', ':one': 1 },
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) return 'refused';
    throw error;
  }
  return 'accepted';
}

async function readItem(loginId: string, id: string, now: number): Promise<TotpConfigItem | undefined> {
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: totpKeys.config(loginId, id), ConsistentRead: true }),
  );
  const item = Item as TotpConfigItem | undefined;
  return item && !isExpired(item, now) ? item : undefined;
}

function refused<R extends TotpRefusal>(reason: R): { ok: false; reason: R } {
  return { ok: false, reason };
}
