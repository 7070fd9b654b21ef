import { createHash } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';
import { randomBase62 } from '#shared/platform/ids';
import type { Mode } from '#shared/platform/table';
import { apiKeyKeys } from '#shared/identity/api-keys/keys';
import type { ApiKeyPrincipal } from '#shared/identity/api-keys/schemas';
import { timestamp } from '#shared/platform/time';

/**
 * API keys: `sk_test_` or `sk_live_` and 27 random base62 characters (about 160 bits).
 * Only the SHA-256 of a key is stored, as the item's key, so the table never holds a usable
 * secret and a lookup is one GetItem by hash: nothing secret is compared byte by byte.
 * A fast hash is enough here because the keys are long random strings, not passwords.
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

/** Stores a key for an organization; the mode comes from the key's own prefix. */
export async function storeApiKey(organizationId: string, key: string): Promise<void> {
  const mode = modeOfKey(key);
  if (!mode) throw errors.invalidParams([{ param: 'key', message: 'An API key starts with sk_test_ or sk_live_ followed by 20 to 64 letters or digits' }]);
  await db().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...apiKeyKeys.key(hashApiKey(key)),
        entity: 'api_key',
        organization_id: organizationId,
        mode,
        // Enough to recognize a key in a list, never enough to use it.
        redacted: `${key.slice(0, 8)}...${key.slice(-4)}`,
        created_at: timestamp(),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** The organization and mode a key acts for, or undefined for a malformed or unknown key. */
export async function resolveApiKey(key: string): Promise<ApiKeyPrincipal | undefined> {
  const mode = modeOfKey(key);
  if (!mode) return undefined;
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: apiKeyKeys.key(hashApiKey(key)) }));
  if (!Item || Item.mode !== mode || Item.revoked_at) return undefined;
  return { organization_id: Item.organization_id as string, mode };
}
