import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { auditItem, type AuditAction } from '#shared/identity/audit/audit';
import { confirmPassword, ownLogin } from '#shared/identity/logins/own-login';
import {
  deleteTotp,
  disableTotp,
  enableTotp,
  listTotpConfigs,
  type TotpChange,
  type TotpConfig,
  type TotpSecretReveal,
} from '#shared/identity/mfa/totp-config';
import { startTotpSetup } from '#shared/identity/mfa/setup';
import type { SessionPrincipal } from '#shared/identity/principal';
import { can } from '#shared/identity/roles/permissions';
import { mfaTotpResource } from '#shared/identity/mfa/resource';
import { userKeys } from '#shared/api/users/keys';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';
import { isId } from '#shared/platform/ids';

/**
 * The `/v1/mfa-totp/` routes' side of TOTP: which login a call acts on, the password check,
 * the audit event, and the domain's refusals (totp-config.ts) as the management API's errors.
 * A person acts on their own login's configurations only; ids of another login's are not
 * found (they live in that login's partition), so ids tell nothing.
 */
export interface Source {
  ip: string;
  userAgent?: string;
}

/**
 * Whose configurations a list shows: the caller's own, or, for a role that manages the
 * organization's sign-ins (owner, admin: `sessions.manage`), another member's, so an admin can
 * see who has a second factor. A member of no login, or of another organization, has none.
 */
export async function listTotpFor(principal: SessionPrincipal, userId: string | undefined): Promise<{ userId: string; configs: TotpConfig[] }> {
  if (userId === undefined || userId === principal.userId) {
    return { userId: principal.userId, configs: await listTotpConfigs((await ownLogin(principal)).login_id) };
  }
  if (!can(principal, 'sessions.manage')) {
    throw errors.forbidden("Only an owner or admin may list another member's TOTP configurations.");
  }
  const loginId = isId('user', userId) ? await memberLoginId(principal.organizationId, userId) : undefined;
  return { userId, configs: loginId ? await listTotpConfigs(loginId) : [] };
}

async function memberLoginId(organizationId: string, userId: string): Promise<string | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: userKeys.key(organizationId, userId) }));
  return typeof Item?.login_id === 'string' ? Item.login_id : undefined;
}

export async function startTotpSetupFor(principal: SessionPrincipal): Promise<{ config: TotpConfig; secret: TotpSecretReveal }> {
  const login = await ownLogin(principal);
  return startTotpSetup(login.login_id, login.email);
}

/** Password first (a wrong one is a failed sign-in), then the two codes; the audit event in the same transaction. */
export async function enableTotpFor(
  principal: SessionPrincipal,
  id: string,
  input: { codes: string[]; password: string },
  source: Source,
): Promise<TotpConfig> {
  if (!isId('totp', id)) throw notFound(id);
  const login = await confirmPassword(principal, input.password, source);
  const change = await enableTotp(login.login_id, id, input.codes, { alsoWrite: [auditPut('mfa.enabled', principal, id, source)] });
  return changed(change, id, 'This TOTP configuration is already enabled.');
}

export async function disableTotpFor(principal: SessionPrincipal, id: string, password: string, source: Source): Promise<TotpConfig> {
  if (!isId('totp', id)) throw notFound(id);
  const login = await confirmPassword(principal, password, source);
  const change = await disableTotp(login.login_id, id, { alsoWrite: [auditPut('mfa.disabled', principal, id, source)] });
  return changed(change, id, 'This TOTP configuration is not enabled.');
}

/** An enabled configuration is refused (409): disabling it takes the password, deleting must not bypass that. */
export async function deleteTotpFor(principal: SessionPrincipal, id: string): Promise<void> {
  if (!isId('totp', id)) throw notFound(id);
  const result = await deleteTotp((await ownLogin(principal)).login_id, id);
  if (result.ok) return;
  if (result.reason === 'not_found') throw notFound(id);
  throw errors.invalidState('This TOTP configuration is enabled: disable it (with your password) before deleting it.');
}

function changed(change: TotpChange, id: string, invalidStateDetail: string): TotpConfig {
  if (change.ok) return change.config;
  switch (change.reason) {
    case 'not_found':
      throw notFound(id);
    case 'invalid_state':
      throw errors.invalidState(invalidStateDetail);
    case 'invalid_codes':
      throw errors.invalidTotpCodes();
    case 'another_enabled':
      throw errors.totpAlreadyEnabled();
  }
}

const notFound = (id: string) => errors.notFound('mfa-totp', id);

function auditPut(action: AuditAction, principal: SessionPrincipal, id: string, source: Source) {
  return {
    Put: {
      TableName: tableName(),
      Item: auditItem({
        organizationId: principal.organizationId,
        action,
        actor: { type: 'user', id: principal.userId },
        target: { type: 'mfa-totp', id },
        ip: source.ip,
        userAgent: source.userAgent,
      }),
    },
  };
}

/**
 * The list answer: a login has a handful of configurations (pending setups expire in a day),
 * so one Query reads them all and the page is cut here.
 */
export async function totpList(
  principal: SessionPrincipal,
  query: { 'filter[user-id]'?: string; 'page[limit]': number; 'page[offset]': number },
) {
  const { userId, configs } = await listTotpFor(principal, query['filter[user-id]']);
  const { 'page[limit]': limit, 'page[offset]': offset } = query;
  return {
    data: configs.slice(offset, offset + limit).map((config) => mfaTotpResource(config, userId)),
    meta: { page: { limit, offset, total: configs.length } },
    links: {},
  };
}
