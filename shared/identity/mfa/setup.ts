import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { totpKeys } from '#shared/identity/mfa/keys';
import { qrCodePng } from '#shared/identity/mfa/qr-code';
import { newTotpSecret, provisioningUri } from '#shared/identity/mfa/totp';
import {
  PENDING_SETUP_SECONDS,
  totpSecretContext,
  type TotpConfig,
  type TotpConfigItem,
  type TotpSecretReveal,
} from '#shared/identity/mfa/totp-config';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';
import { newId } from '#shared/platform/ids';
import { encryptSecret } from '#shared/platform/secrets';
import { timestamp } from '#shared/platform/time';

/** Starts a setup: a pending configuration, and its secret (the only time it leaves the table). */
export async function startTotpSetup(
  loginId: string,
  accountEmail: string,
  now: number = Date.now(),
): Promise<{ config: TotpConfig; secret: TotpSecretReveal }> {
  const id = newId('totp', now);
  const sharedSecret = newTotpSecret();
  const uri = provisioningUri(sharedSecret, accountEmail);
  const config: TotpConfig = {
    id,
    login_id: loginId,
    state: 'pending',
    created_at: timestamp(new Date(now)),
    enabled_at: null,
    last_used: null,
    last_used_step: 0,
  };
  const item: TotpConfigItem = {
    ...totpKeys.config(loginId, id),
    entity: 'totp_config',
    ...config,
    secret: await encryptSecret(sharedSecret, totpSecretContext(loginId, id)),
    version: 0,
    expires_at: Math.floor(now / 1000) + PENDING_SETUP_SECONDS,
  };
  await db().send(new PutCommand({ TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
  return {
    config,
    secret: { 'provisioning-qrcode': await qrCodePng(uri), 'provisioning-uri': uri, 'shared-secret-key': sharedSecret },
  };
}
