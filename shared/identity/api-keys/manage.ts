import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { newApiKey, publicStatus, recordOf } from '#shared/identity/api-keys/api-key';
import { apiKeyKeys } from '#shared/identity/api-keys/keys';
import { type ApiKeyRecord, type ApiKeyStatus } from '#shared/identity/api-keys/schemas';
import { requireStepUp, type StepUpFields, type StepUpProof } from '#shared/identity/api-keys/step-up';
import { auditItem, type AuditAction, type AuditData } from '#shared/identity/audit/audit';
import type { SessionPrincipal } from '#shared/identity/principal';
import { tableName } from '#shared/platform/config';
import { batchGet, db, failedConditions, queryAll } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';
import { isId } from '#shared/platform/ids';
import type { Mode } from '#shared/platform/table';
import { timestamp } from '#shared/platform/time';

/**
 * What the management API does with an organization's API keys (after Stripe's: the key is
 * shown once, rolled with a grace period). Each change writes the record and its audit event
 * in one transaction, conditional on the state it was decided on, so of racing changes exactly
 * one wins. The secret is in the answer that makes a key (create, roll) and nowhere else.
 *
 * A person acts on their own organization's keys only: the listing item is in the
 * organization's partition, so another organization's key id is not found.
 */
export interface Source {
  ip: string;
  userAgent?: string;
}

export interface FoundKey {
  hash: string;
  record: ApiKeyRecord;
}

export interface ListedKeys {
  records: ApiKeyRecord[];
  total: number;
}

/** A key of the organization by id: the listing item, then the record (two strongly consistent GetItems), or 404. */
export async function findApiKey(organizationId: string, id: string): Promise<FoundKey> {
  if (!isId('apiKey', id)) throw notFound(id);
  const { Item: listing } = await db().send(
    new GetCommand({ TableName: tableName(), Key: apiKeyKeys.listing(organizationId, id), ConsistentRead: true }),
  );
  if (!listing) throw notFound(id);
  const hash = listing.hash as string;
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: apiKeyKeys.key(hash), ConsistentRead: true }));
  if (!Item || Item.organization_id !== organizationId) throw notFound(id);
  return { hash, record: recordOf(Item) };
}

/**
 * The organization's keys, newest first, filtered by mode and status. One Query reads the
 * listing partition (an organization has tens of keys; about 5,000 fit in one 1 MB page), the
 * mode is filtered there, then the records are read in BatchGetItems of 100: only the page's
 * unless a status filter must see every record.
 */
export async function listApiKeys(
  organizationId: string,
  filter: { mode?: Mode; status?: ApiKeyStatus },
  page: { limit: number; offset: number },
  now: number = Date.now(),
): Promise<ListedKeys> {
  const listings = await queryAll<{ hash: string; mode: Mode }>(apiKeyKeys.listingPk(organizationId), { newestFirst: true });
  const ofMode = filter.mode ? listings.filter((listing) => listing.mode === filter.mode) : listings;
  if (!filter.status) {
    const shown = ofMode.slice(page.offset, page.offset + page.limit);
    return { records: await recordsOf(shown.map((listing) => listing.hash)), total: ofMode.length };
  }
  const records = (await recordsOf(ofMode.map((listing) => listing.hash))).filter((record) => publicStatus(record, now) === filter.status);
  return { records: records.slice(page.offset, page.offset + page.limit), total: records.length };
}

async function recordsOf(hashes: string[]): Promise<ApiKeyRecord[]> {
  const records: ApiKeyRecord[] = [];
  for (let start = 0; start < hashes.length; start += 100) {
    const keys = hashes.slice(start, start + 100).map(apiKeyKeys.key);
    const found = await batchGet(keys);
    for (const key of keys) {
      const item = found(key);
      if (item) records.push(recordOf(item));
    }
  }
  return records;
}

/** Where the create route's body carries the step-up proof (JSON:API `meta`). */
export const CREATE_STEP_UP_FIELDS: StepUpFields = { password: 'meta.password', totpCode: 'meta.totp-code' };
/** Where the roll route's flat body carries it. */
export const ROLL_STEP_UP_FIELDS: StepUpFields = { password: 'password', totpCode: 'totp-code' };

/** A new key; a live one only with step-up. The answer alone carries the key itself. */
export async function createApiKey(
  principal: SessionPrincipal,
  input: { mode: Mode; name?: string | null },
  proof: StepUpProof,
  source: Source,
): Promise<{ record: ApiKeyRecord; secret: string }> {
  if (input.mode === 'live') await requireStepUp(principal, proof, source, CREATE_STEP_UP_FIELDS, 'Creating a live API key');
  const now = new Date();
  const made = newApiKey(principal.organizationId, { mode: input.mode, name: input.name ?? null, createdBy: principal.userId, now });
  await db().send(
    new TransactWriteCommand({
      TransactItems: [...made.puts, auditPut('api_key.created', principal, made.record.id, source, { mode: input.mode }, now)],
    }),
  );
  return { record: made.record, secret: made.secret };
}

/** Renames a key (any status: a revoked key keeps its history under a name). */
export async function renameApiKey(
  principal: SessionPrincipal,
  id: string,
  resource: { id?: string; attributes: { name?: string | null } },
  source: Source,
): Promise<ApiKeyRecord> {
  const { hash, record } = await findApiKey(principal.organizationId, id);
  if (resource.id !== undefined && resource.id !== id) {
    throw errors.invalidParams([{ param: 'data.id', message: 'data.id must be the id in the path', in: 'body' }]);
  }
  const name = resource.attributes.name;
  if (name === undefined || name === record.name) return record;
  const now = new Date();
  await db().send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: tableName(),
            Key: apiKeyKeys.key(hash),
            UpdateExpression: name === null ? 'REMOVE #name' : 'SET #name = :name',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#name': 'name' },
            ...(name !== null && { ExpressionAttributeValues: { ':name': name } }),
          },
        },
        auditPut('api_key.updated', principal, id, source, { fields: 'name' }, now),
      ],
    }),
  );
  return { ...record, name };
}

/**
 * Rolls an active key: a new key of the same mode and name (its secret in this answer only),
 * and the old one `expiring` for `expiresInSeconds` (0: revoked at once). A live key needs
 * step-up. Conditional on the old key being active still, so of two racing rolls one wins and
 * the other is a 409 with nothing written.
 */
export async function rollApiKey(
  principal: SessionPrincipal,
  id: string,
  input: { expiresInSeconds: number },
  proof: StepUpProof,
  source: Source,
): Promise<{ record: ApiKeyRecord; secret: string; rolled: ApiKeyRecord }> {
  const { hash, record } = await findApiKey(principal.organizationId, id);
  if (record.mode === 'live') await requireStepUp(principal, proof, source, ROLL_STEP_UP_FIELDS, 'Rolling a live API key');
  if (record.status !== 'active') throw errors.invalidState(`Only an active key can be rolled; this one is ${publicStatus(record)}.`);
  const now = new Date();
  const made = newApiKey(principal.organizationId, { mode: record.mode, name: record.name, createdBy: principal.userId, rolledFrom: id, now });
  const at = timestamp(now);
  const rolled: ApiKeyRecord =
    input.expiresInSeconds === 0
      ? { ...record, status: 'revoked', revoked_at: at, rolled_to: made.record.id }
      : { ...record, status: 'expiring', expires_at: timestamp(new Date(now.getTime() + input.expiresInSeconds * 1000)), rolled_to: made.record.id };
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            // An update, not a put: the authorizer may be writing the key's last use meanwhile.
            Update: {
              TableName: tableName(),
              Key: apiKeyKeys.key(hash),
              UpdateExpression:
                input.expiresInSeconds === 0
                  ? 'SET #status = :status, revoked_at = :at, rolled_to = :to'
                  : 'SET #status = :status, expires_at = :at, rolled_to = :to',
              ConditionExpression: '#status = :active',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':active': 'active',
                ':status': rolled.status,
                ':at': input.expiresInSeconds === 0 ? rolled.revoked_at : rolled.expires_at,
                ':to': made.record.id,
              },
            },
          },
          ...made.puts,
          auditPut('api_key.rolled', principal, id, source, { 'new-api-key-id': made.record.id, 'expires-in-seconds': input.expiresInSeconds }, now),
        ],
      }),
    );
  } catch (error) {
    if (failedConditions(error)?.includes(0)) throw errors.invalidState('This key was rolled or revoked by another request at the same time.');
    throw error;
  }
  return { record: made.record, secret: made.secret, rolled };
}

/** Revokes a key that is active or expiring (an expired one too: its end becomes final); a revoked one is a 409. */
export async function revokeApiKey(principal: SessionPrincipal, id: string, source: Source): Promise<ApiKeyRecord> {
  const { hash, record } = await findApiKey(principal.organizationId, id);
  if (record.status === 'revoked') throw errors.invalidState('This key is revoked already.');
  const now = new Date();
  const revoked: ApiKeyRecord = { ...record, status: 'revoked', revoked_at: timestamp(now) };
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName(),
              Key: apiKeyKeys.key(hash),
              UpdateExpression: 'SET #status = :revoked, revoked_at = :at',
              ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#status) OR #status <> :revoked)',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':revoked': 'revoked', ':at': revoked.revoked_at },
            },
          },
          auditPut('api_key.revoked', principal, id, source, { mode: record.mode }, now),
        ],
      }),
    );
  } catch (error) {
    if (failedConditions(error)?.includes(0)) throw errors.invalidState('This key is revoked already.');
    throw error;
  }
  return revoked;
}

const notFound = (id: string) => errors.notFound('api-key', id);

function auditPut(action: AuditAction, principal: SessionPrincipal, id: string, source: Source, data: AuditData, now: Date) {
  return {
    Put: {
      TableName: tableName(),
      Item: auditItem(
        {
          organizationId: principal.organizationId,
          action,
          actor: { type: 'user', id: principal.userId },
          target: { type: 'api-key', id },
          ip: source.ip,
          userAgent: source.userAgent,
          data,
        },
        now,
      ),
    },
  };
}
