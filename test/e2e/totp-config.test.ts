import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Points the SDK at the suite's DynamoDB Local.
import '#test/support/api';
import { markLocalStack, tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';
import { totpKeys } from '#shared/identity/mfa/keys';
import { codeAt, stepAt } from '#shared/identity/mfa/totp';
import {
  checkLoginTotp,
  deleteTotp,
  disableTotp,
  enableTotp,
  getTotpConfig,
  listTotpConfigs,
  PENDING_SETUP_SECONDS,
} from '#shared/identity/mfa/totp-config';
import { startTotpSetup } from '#shared/identity/mfa/setup';

/**
 * The TOTP configurations' reads and writes against the real DynamoDB Local, called in this
 * process as a route will call them. Time is passed in, so each step of a flow is a chosen
 * 30-second step and nothing waits for the clock.
 */
const secretDir = mkdtempSync(join(tmpdir(), 'osma-totp-test-'));
beforeAll(() => {
  // This process plays the local stack's part for the root secret (a file of its own).
  markLocalStack();
  const file = join(secretDir, 'root-secret');
  writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  process.env.OSMA_SECRET_FILE = file;
});
afterAll(() => rmSync(secretDir, { recursive: true, force: true }));

const newLogin = () => `idn_test${randomUUID().replaceAll('-', '')}`;
/** The middle of a step near now, so that the setup's expiry (real epoch seconds) is realistic. */
const base = stepAt(Date.now());
const at = (step: number) => step * 30_000 + 15_000;
const rawItem = async (key: { pk: string; sk: string }) =>
  (await db().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }))).Item;

async function enabledLogin(step = base) {
  const loginId = newLogin();
  const setup = await startTotpSetup(loginId, 'alice@example.com', at(step - 2));
  const secret = setup.secret['shared-secret-key'];
  const enabled = await enableTotp(loginId, setup.config.id, [codeAt(secret, step - 1), codeAt(secret, step)], { now: at(step) });
  expect(enabled.ok).toBe(true);
  return { loginId, id: setup.config.id, secret };
}

describe('TOTP configurations in the table', () => {
  it('start pending, with the secret shown once and stored only encrypted', async () => {
    const loginId = newLogin();
    const { config, secret } = await startTotpSetup(loginId, 'alice@example.com', at(base));
    expect(config).toMatchObject({ login_id: loginId, state: 'pending', enabled_at: null, last_used: null, last_used_step: 0 });
    expect(config.id).toMatch(/^totp_[0-9A-Za-z]{27}$/);
    expect(secret['shared-secret-key']).toMatch(/^[A-Z2-7]{32}$/);
    expect(secret['provisioning-uri']).toContain(`secret=${secret['shared-secret-key']}`);
    expect(secret['provisioning-qrcode'].mimetype).toBe('image/png');

    const item = await rawItem(totpKeys.config(loginId, config.id));
    expect(item!.secret).toMatch(/^v1\./);
    expect(JSON.stringify(item)).not.toContain(secret['shared-secret-key']);
    expect(item!.expires_at).toBe(Math.floor(at(base) / 1000) + PENDING_SETUP_SECONDS);

    expect(await getTotpConfig(loginId, config.id, at(base))).toEqual(config);
    expect(await listTotpConfigs(loginId, at(base))).toEqual([config]);
    expect(JSON.stringify(await listTotpConfigs(loginId, at(base)))).not.toContain(secret['shared-secret-key']);
    expect(await listTotpConfigs(newLogin(), at(base))).toEqual([]);
  });

  it('list newest first, without setups past their time', async () => {
    const loginId = newLogin();
    const old = await startTotpSetup(loginId, 'a@example.com', at(base) - (PENDING_SETUP_SECONDS + 60) * 1000);
    const first = await startTotpSetup(loginId, 'a@example.com', at(base) - 1000);
    const second = await startTotpSetup(loginId, 'a@example.com', at(base));
    expect((await listTotpConfigs(loginId, at(base))).map((config) => config.id)).toEqual([second.config.id, first.config.id]);
    expect(await getTotpConfig(loginId, old.config.id, at(base))).toBeUndefined();
    const secret = old.secret['shared-secret-key'];
    expect(await enableTotp(loginId, old.config.id, [codeAt(secret, base - 1), codeAt(secret, base)], { now: at(base) })).toEqual({
      ok: false,
      reason: 'not_found',
    });
  });

  it('enable with two consecutive codes only, and burn both', async () => {
    const loginId = newLogin();
    const { config, secret } = await startTotpSetup(loginId, 'alice@example.com', at(base - 3));
    const key = secret['shared-secret-key'];
    const refusedCodes = [
      [codeAt(key, base - 1), codeAt(key, base + 1)],
      [codeAt(key, base), codeAt(key, base - 1)],
      [codeAt(key, base)],
      ['12345', '123456'],
      'nope',
    ];
    for (const codes of refusedCodes) {
      expect(await enableTotp(loginId, config.id, codes, { now: at(base) }), JSON.stringify(codes)).toEqual({ ok: false, reason: 'invalid_codes' });
    }
    expect(await checkLoginTotp(loginId, codeAt(key, base), at(base))).toBe('not_enabled');

    const enabled = await enableTotp(loginId, config.id, [codeAt(key, base - 1), codeAt(key, base)], { now: at(base) });
    expect(enabled).toEqual({
      ok: true,
      config: { ...config, state: 'enabled', enabled_at: expect.any(String), last_used: expect.any(String), last_used_step: base },
    });
    expect(await getTotpConfig(loginId, config.id, at(base))).toEqual(enabled.ok && enabled.config);
    const item = await rawItem(totpKeys.config(loginId, config.id));
    expect(item!.expires_at).toBeUndefined();
    expect(await rawItem(totpKeys.enabled(loginId))).toMatchObject({ config_id: config.id });
    expect(await enableTotp(loginId, config.id, [codeAt(key, base), codeAt(key, base + 1)], { now: at(base + 1) })).toEqual({
      ok: false,
      reason: 'invalid_state',
    });
    // Neither code that enabled it signs in.
    expect(await checkLoginTotp(loginId, codeAt(key, base), at(base))).toBe('refused');
    expect(await checkLoginTotp(loginId, codeAt(key, base - 1), at(base))).toBe('refused');
  });

  it('ask sign-in for a code, accept a code once, and refuse a replay', async () => {
    const { loginId, secret } = await enabledLogin();
    expect(await checkLoginTotp(loginId, undefined, at(base + 1))).toBe('code_required');
    expect(await checkLoginTotp(loginId, '', at(base + 1))).toBe('code_required');
    expect(await checkLoginTotp(loginId, '12 456', at(base + 1))).toBe('refused');
    expect(await checkLoginTotp(loginId, codeAt(secret, base + 3), at(base + 1))).toBe('refused');
    expect(await checkLoginTotp(loginId, codeAt(secret, base + 1), at(base + 1))).toBe('accepted');
    expect(await checkLoginTotp(loginId, codeAt(secret, base + 1), at(base + 1))).toBe('refused');
    expect(await checkLoginTotp(loginId, codeAt(secret, base + 1), at(base + 2))).toBe('refused');
    // Drift of one step, either way.
    expect(await checkLoginTotp(loginId, codeAt(secret, base + 2), at(base + 3))).toBe('accepted');
    expect(await checkLoginTotp(loginId, codeAt(secret, base + 4), at(base + 3))).toBe('accepted');
    const config = await listTotpConfigs(loginId, at(base + 3));
    expect(config[0]).toMatchObject({ last_used_step: base + 4 });
  });

  it('let only one of two sign-ins racing with the same code through', async () => {
    const { loginId, secret } = await enabledLogin();
    const code = codeAt(secret, base + 1);
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => checkLoginTotp(loginId, code, at(base + 1))));
    expect(outcomes.filter((outcome) => outcome === 'accepted')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'refused')).toHaveLength(7);
  });

  it('keep one configuration enabled per login', async () => {
    const { loginId } = await enabledLogin();
    const other = await startTotpSetup(loginId, 'alice@example.com', at(base));
    const key = other.secret['shared-secret-key'];
    expect(await enableTotp(loginId, other.config.id, [codeAt(key, base), codeAt(key, base + 1)], { now: at(base + 1) })).toEqual({
      ok: false,
      reason: 'another_enabled',
    });
    expect(await getTotpConfig(loginId, other.config.id, at(base + 1))).toMatchObject({ state: 'pending', last_used_step: 0 });
  });

  it('disable, re-enable with fresh codes, and delete only when not enabled', async () => {
    const { loginId, id, secret } = await enabledLogin();
    expect(await deleteTotp(loginId, id)).toEqual({ ok: false, reason: 'invalid_state' });
    const disabled = await disableTotp(loginId, id, { now: at(base + 1) });
    expect(disabled).toMatchObject({ ok: true, config: { state: 'disabled', last_used_step: base } });
    expect(await rawItem(totpKeys.enabled(loginId))).toBeUndefined();
    expect(await checkLoginTotp(loginId, undefined, at(base + 1))).toBe('not_enabled');
    expect(await disableTotp(loginId, id, { now: at(base + 1) })).toEqual({ ok: false, reason: 'invalid_state' });

    // The codes that enabled it the first time do not enable it again.
    expect(await enableTotp(loginId, id, [codeAt(secret, base - 1), codeAt(secret, base)], { now: at(base) })).toEqual({
      ok: false,
      reason: 'invalid_codes',
    });
    expect(await enableTotp(loginId, id, [codeAt(secret, base + 1), codeAt(secret, base + 2)], { now: at(base + 2) })).toMatchObject({
      ok: true,
      config: { state: 'enabled', last_used_step: base + 2 },
    });
    expect(await checkLoginTotp(loginId, undefined, at(base + 2))).toBe('code_required');
    expect(await disableTotp(loginId, id, { now: at(base + 3) })).toMatchObject({ ok: true });
    expect(await deleteTotp(loginId, id)).toEqual({ ok: true });
    expect(await deleteTotp(loginId, id)).toEqual({ ok: false, reason: 'not_found' });
    expect(await getTotpConfig(loginId, id)).toBeUndefined();
    expect(await enableTotp(loginId, id, [], { now: at(base + 3) })).toEqual({ ok: false, reason: 'not_found' });
    expect(await disableTotp(loginId, id)).toEqual({ ok: false, reason: 'not_found' });
  });

  it('delete a pending setup', async () => {
    const loginId = newLogin();
    const { config } = await startTotpSetup(loginId, 'alice@example.com');
    expect(await deleteTotp(loginId, config.id)).toEqual({ ok: true });
    expect(await listTotpConfigs(loginId)).toEqual([]);
  });

  it('write the caller’s items in the same transaction, and none when the change is refused', async () => {
    const loginId = newLogin();
    const audit = (name: string) => ({ pk: `TEST#${loginId}`, sk: name });
    const put = (name: string) => ({ Put: { TableName: tableName(), Item: { ...audit(name), entity: 'test_audit' } } });
    const { config, secret } = await startTotpSetup(loginId, 'alice@example.com', at(base - 2));
    const key = secret['shared-secret-key'];
    await enableTotp(loginId, config.id, [codeAt(key, base - 1), codeAt(key, base)], { now: at(base), alsoWrite: [put('enabled')] });
    expect(await rawItem(audit('enabled'))).toBeDefined();

    const other = await startTotpSetup(loginId, 'alice@example.com', at(base));
    const otherKey = other.secret['shared-secret-key'];
    const refused = await enableTotp(loginId, other.config.id, [codeAt(otherKey, base), codeAt(otherKey, base + 1)], {
      now: at(base + 1),
      alsoWrite: [put('refused')],
    });
    expect(refused).toEqual({ ok: false, reason: 'another_enabled' });
    expect(await rawItem(audit('refused'))).toBeUndefined();

    await disableTotp(loginId, config.id, { now: at(base + 1), alsoWrite: [put('disabled')] });
    expect(await rawItem(audit('disabled'))).toBeDefined();
  });

  it('keep each secret to its own item: a ciphertext copied to another configuration does not decrypt', async () => {
    const loginId = newLogin();
    const a = await startTotpSetup(loginId, 'alice@example.com', at(base));
    const b = await startTotpSetup(loginId, 'alice@example.com', at(base));
    const { secret: encryptedA } = (await rawItem(totpKeys.config(loginId, a.config.id)))!;
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: totpKeys.config(loginId, b.config.id),
        UpdateExpression: 'SET secret = :secret',
        ExpressionAttributeValues: { ':secret': encryptedA },
      }),
    );
    const keyA = a.secret['shared-secret-key'];
    await expect(enableTotp(loginId, b.config.id, [codeAt(keyA, base), codeAt(keyA, base + 1)], { now: at(base + 1) })).rejects.toThrow(
      /another context or was altered/,
    );
    expect(await enableTotp(loginId, a.config.id, [codeAt(keyA, base), codeAt(keyA, base + 1)], { now: at(base + 1) })).toMatchObject({ ok: true });
  });
});
