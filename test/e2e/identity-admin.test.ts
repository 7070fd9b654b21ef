import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { listAudit } from '#shared/identity/audit/audit';
import { loginKeys } from '#shared/identity/logins/keys';
import { setPassword } from '#shared/identity/logins/owner';
import { generateApiKey, storeApiKey } from '#shared/identity/api-keys/api-key';
import { getOrganization } from '#shared/identity/organizations/organization';
import { DEFAULT_RATE_LIMITS } from '#shared/identity/organizations/schemas';
import { hashResetCode, passwordResetKeys } from '#shared/identity/passwords/keys';
import { RESET_CODE } from '#shared/identity/passwords/reset-code';
import { userKeys } from '#shared/api/users/keys';
import { tableName } from '#shared/platform/config';
import { db } from '#shared/platform/db';
import { call, stack, TIMESTAMP } from '#test/support/api';
import { manage } from '#test/support/management';

/**
 * `npm run admin`, run as a person runs it: `local/admin.ts` in a child process. With `--local`
 * it finds the suite's stack through the stack's data dir (local-stack.json); without it, it
 * invokes the platform function through the AWS CLI, played here by test/support/fake-aws-cli.ts,
 * which runs the function's handler against the same DynamoDB Local.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const dataDir = inject('dataDir');
const stackInfo = JSON.parse(readFileSync(join(dataDir, 'local-stack.json'), 'utf8')) as { dashboardUrl: string; pid: number };

interface Run {
  code: number;
  answer: any;
  stdout: string;
  stderr: string;
}

function admin(args: string[], options: { env?: Record<string, string>; json?: boolean } = {}): Promise<Run> {
  const argv = ['--import', 'tsx', 'local/admin.ts', ...args, ...(options.json === false ? [] : ['--json'])];
  return new Promise((resolve) => {
    execFile(process.execPath, argv, { cwd: ROOT, env: { ...process.env, ...options.env }, timeout: 30_000 }, (error, stdout, stderr) => {
      let answer: unknown;
      try {
        answer = JSON.parse(stdout);
      } catch {
        answer = undefined;
      }
      resolve({ code: error ? Number(error.code ?? 1) : 0, answer, stdout, stderr });
    });
  });
}

const local = (...args: string[]) => admin([...args, '--local', '--data-dir', dataDir]);

const uniqueEmail = () => `owner-${crypto.randomUUID()}@acme.test`;

async function createdOrganization(email = uniqueEmail()) {
  const run = await local('create-organization', '--name', 'Acme Pharmacy', '--owner-email', email);
  if (run.code !== 0) throw new Error(`create-organization failed: ${run.stdout}${run.stderr}`);
  return run.answer as {
    organization: { id: string; name: string; status: string; rateLimits: { test: number; live: number } };
    owner: { userId: string; email: string };
    passwordSetup: { code: string; link: string | null; expiresAt: string };
    mail: { sent: boolean; id?: string; reason?: string };
  };
}

/** An organization made by the command, with API keys and an owner who has set a password and signed in. */
async function workingOrganization() {
  const created = await createdOrganization();
  const testKey = generateApiKey('test');
  const liveKey = generateApiKey('live');
  await storeApiKey(created.organization.id, testKey);
  await storeApiKey(created.organization.id, liveKey);
  // What confirm-forgot-password does with the owner's code (its route is not on this branch).
  const password = `Pw-${crypto.randomUUID()}`;
  expect(await setPassword(created.owner.email, password)).toBe(true);
  const login = await manage('POST', '/v1/login/', { body: { username: created.owner.email, password } });
  expect(login.status).toBe(201);
  return { ...created, testKey, liveKey, password, accessToken: login.body['access-token'] as string };
}

async function auditActions(organizationId: string): Promise<string[]> {
  const page = await listAudit(organizationId, { limit: 100 });
  return page.data.map((event) => event.action).reverse();
}

describe('npm run admin -- create-organization --local', () => {
  it('creates the organization and its owner membership, with the audit event, and prints the owner a link to set a password', async () => {
    // Act
    const email = uniqueEmail();
    const created = await createdOrganization(email.toUpperCase());

    // Assess: the organization, active with the default limits
    expect(created.organization).toMatchObject({ name: 'Acme Pharmacy', status: 'active', rateLimits: DEFAULT_RATE_LIMITS });
    const organization = await getOrganization(created.organization.id, { consistent: true });
    expect(organization).toMatchObject({ id: created.organization.id, name: 'Acme Pharmacy', status: 'active' });
    // The owner: an active membership with the owner role, and a login for the normalized email
    expect(created.owner.email).toBe(email);
    const { Item: user } = await db().send(new GetCommand({ TableName: tableName(), Key: userKeys.key(created.organization.id, created.owner.userId) }));
    expect(user).toMatchObject({ email, role_ids: ['owner'], status: 'active', state: 'active:available' });
    const { Item: login } = await db().send(new GetCommand({ TableName: tableName(), Key: loginKeys.byEmail(email) }));
    expect(login).toMatchObject({ organization_id: created.organization.id, user_id: created.owner.userId, login_id: user!.login_id });
    // The link: the dashboard's reset page with the code, which is stored only hashed, for a week, as owner setup
    expect(created.passwordSetup.link).toBe(`${stackInfo.dashboardUrl}/reset-password?code=${created.passwordSetup.code}`);
    expect(created.passwordSetup.code).toMatch(/^[A-Z2-7]{16}$/);
    const { Item: reset } = await db().send(new GetCommand({ TableName: tableName(), Key: passwordResetKeys.byEmail(email) }));
    expect(reset).toMatchObject({
      entity: 'password_reset',
      purpose: 'owner-setup',
      code_hash: hashResetCode(created.passwordSetup.code),
      login_id: login!.login_id,
      user_id: created.owner.userId,
      organization_id: created.organization.id,
      tries_left: RESET_CODE.tries,
    });
    expect(JSON.stringify(reset)).not.toContain(created.passwordSetup.code);
    expect(created.passwordSetup.expiresAt).toMatch(TIMESTAMP);
    expect(reset!.expires_at).toBe(Math.floor(Date.parse(created.passwordSetup.expiresAt) / 1000));
    expect(reset!.expires_at * 1000 - Date.now()).toBeGreaterThan(RESET_CODE.validSeconds['owner-setup'] * 1000 - 60_000);
    // The audit event, by the platform
    const events = (await listAudit(created.organization.id, { limit: 10 })).data;
    expect(events).toEqual([
      expect.objectContaining({
        action: 'organization.created',
        actor: { type: 'platform' },
        target: { type: 'organization', id: created.organization.id },
        data: { 'owner-user-id': created.owner.userId },
      }),
    ]);
  });

  it('mails the owner the same link through the local outbox', async () => {
    // Act
    const created = await createdOrganization();

    // Assess
    expect(created.mail).toMatchObject({ sent: true, id: expect.stringMatching(/^mail_/) });
    const outbox = (await (await fetch(`${stack.url}/_local/mail?to=${encodeURIComponent(created.owner.email)}`)).json()) as {
      data: { id: string; subject: string; text: string }[];
    };
    expect(outbox.data).toHaveLength(1);
    expect(outbox.data[0]!.id).toBe(created.mail.id);
    expect(outbox.data[0]!.subject).toContain('Acme Pharmacy');
    expect(outbox.data[0]!.text).toContain(created.passwordSetup.link);
  });

  it('gives the owner no password: no sign-in works until one is set', async () => {
    // Prepare
    const created = await createdOrganization();

    // Act
    const answer = await manage('POST', '/v1/login/', { body: { username: created.owner.email, password: created.passwordSetup.code } });

    // Assess
    expect(answer.status).toBe(401);
    expect(answer.body.errors[0]).toMatchObject({ code: 'invalid_credentials' });
  });

  it('prints the link for a person', async () => {
    // Act
    const run = await admin(['create-organization', '--name', 'Printed', '--owner-email', uniqueEmail(), '--local', '--data-dir', dataDir], {
      json: false,
    });

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^organization +org_\w+ +"Printed" +active$/m);
    expect(run.stdout).toMatch(new RegExp(`^password link +${stackInfo.dashboardUrl}/reset-password\\?code=[A-Z2-7]{16}$`, 'm'));
    expect(run.stdout).toMatch(/^mail +sent to /m);
  });

  it('refuses an email that already has a login (409), bad input naming each field (400), and writes nothing for them', async () => {
    // Prepare
    const taken = await createdOrganization();

    // Act
    const again = await local('create-organization', '--name', 'Second', '--owner-email', taken.owner.email);
    const invalid = await local('create-organization', '--name', '  ', '--owner-email', 'not-an-email');

    // Assess
    expect(again.code).toBe(1);
    expect(again.answer.error).toMatchObject({ status: 409, code: 'resource_already_exists', params: [{ param: 'ownerEmail' }] });
    const { Item: login } = await db().send(new GetCommand({ TableName: tableName(), Key: loginKeys.byEmail(taken.owner.email) }));
    expect(login!.organization_id).toBe(taken.organization.id);
    expect(invalid.code).toBe(1);
    expect(invalid.answer.error.status).toBe(400);
    expect(invalid.answer.error.params.map((param: { param: string }) => param.param).sort()).toEqual(['name', 'ownerEmail']);
  });
});

describe('npm run admin -- suspend-organization / reactivate-organization --local', () => {
  it("stops the organization's API keys on the public API and its sessions on /v1/, and reactivating restores both", async () => {
    // Prepare
    const org = await workingOrganization();
    const members = () => call('GET', '/members', { key: org.testKey });
    const authenticate = () => manage('POST', '/v1/authenticate/', { token: org.accessToken });
    expect((await members()).status).toBe(200);
    expect((await authenticate()).status).toBe(201);

    // Act: suspend
    const suspended = await local('suspend-organization', '--organization-id', org.organization.id);

    // Assess
    expect(suspended.code).toBe(0);
    expect(suspended.answer).toMatchObject({ organization: { id: org.organization.id, status: 'suspended' }, changed: true });
    expect((await getOrganization(org.organization.id, { consistent: true }))!.status).toBe('suspended');
    expect((await members()).status).toBe(401);
    expect((await call('GET', '/members', { key: org.liveKey })).status).toBe(401);
    expect((await authenticate()).status).toBe(401);
    const signIn = await manage('POST', '/v1/login/', { body: { username: org.owner.email, password: org.password } });
    expect(signIn.status).toBe(403);

    // Act: reactivate
    const reactivated = await local('reactivate-organization', '--organization-id', org.organization.id);

    // Assess
    expect(reactivated.answer).toMatchObject({ organization: { status: 'active' }, changed: true });
    expect((await members()).status).toBe(200);
    expect((await authenticate()).status).toBe(201);
    expect(await auditActions(org.organization.id)).toEqual([
      'organization.created',
      'login.succeeded',
      'organization.suspended',
      'organization.reactivated',
    ]);
  });

  it('changes nothing and records nothing when the organization already has that status', async () => {
    // Prepare
    const created = await createdOrganization();
    await local('suspend-organization', '--organization-id', created.organization.id);

    // Act
    const suspendedAgain = await local('suspend-organization', '--organization-id', created.organization.id);
    const reactivated = await local('reactivate-organization', '--organization-id', created.organization.id);
    const reactivatedAgain = await local('reactivate-organization', '--organization-id', created.organization.id);

    // Assess
    expect(suspendedAgain.answer).toMatchObject({ organization: { status: 'suspended' }, changed: false });
    expect(reactivated.answer).toMatchObject({ organization: { status: 'active' }, changed: true });
    expect(reactivatedAgain.answer).toMatchObject({ organization: { status: 'active' }, changed: false });
    expect(await auditActions(created.organization.id)).toEqual(['organization.created', 'organization.suspended', 'organization.reactivated']);
  });

  it('answers 404 for an organization that does not exist, and 400 for what is no organization id', async () => {
    // Act
    const unknown = await local('suspend-organization', '--organization-id', 'org_3MTZSoTbJ3r1tFEDJxUh64wAzMp');
    const malformed = await local('reactivate-organization', '--organization-id', 'acme');

    // Assess
    expect(unknown.code).toBe(1);
    expect(unknown.answer.error).toMatchObject({ status: 404, code: 'resource_not_found' });
    expect(malformed.answer.error).toMatchObject({ status: 400, params: [{ param: 'organizationId' }] });
  });
});

describe('npm run admin -- set-rate-limits --local', () => {
  it('changes the limit the public API applies in one mode and keeps the other', async () => {
    // Prepare
    const org = await workingOrganization();
    const limitOf = async (key: string) => Number((await call('GET', '/members', { key })).headers.get('ratelimit-limit'));
    expect(await limitOf(org.testKey)).toBe(DEFAULT_RATE_LIMITS.test);

    // Act
    const run = await local('set-rate-limits', '--organization-id', org.organization.id, '--test', '3');

    // Assess
    expect(run.code).toBe(0);
    expect(run.answer.organization.rateLimits).toEqual({ test: 3, live: DEFAULT_RATE_LIMITS.live });
    expect(await limitOf(org.testKey)).toBe(3);
    expect(await limitOf(org.liveKey)).toBe(DEFAULT_RATE_LIMITS.live);
  });

  it('refuses no limit at all, and a limit that is not a whole number of at least 1', async () => {
    // Prepare
    const created = await createdOrganization();

    // Act
    const none = await local('set-rate-limits', '--organization-id', created.organization.id);
    const zero = await local('set-rate-limits', '--organization-id', created.organization.id, '--live', '0');
    const fraction = await local('set-rate-limits', '--organization-id', created.organization.id, '--test', '2.5');

    // Assess
    for (const run of [none, zero, fraction]) expect(run.answer.error.status).toBe(400);
    expect((await getOrganization(created.organization.id, { consistent: true }))!.settings.rate_limits).toEqual(DEFAULT_RATE_LIMITS);
  });
});

describe('npm run admin -- without --local', () => {
  const bin = mkdtempSync(join(tmpdir(), 'osma-fake-aws-'));
  writeFileSync(join(bin, 'aws'), `#!/bin/sh\nexec "${process.execPath}" --import tsx "${join(ROOT, 'test/support/fake-aws-cli.ts')}" "$@"\n`);
  chmodSync(join(bin, 'aws'), 0o755);
  afterAll(() => rmSync(bin, { recursive: true, force: true }));
  const env = {
    PATH: `${bin}:${process.env.PATH}`,
    FAKE_AWS_FUNCTION_NAME: 'osma-platform-admin-qa',
    OSMA_DASHBOARD_URL: 'https://dashboard.osma.test',
  };

  it("invokes the stage's platform function through the AWS CLI, which answers with the link and mails nothing without a sender", async () => {
    // Act
    const email = uniqueEmail();
    const run = await admin(['create-organization', '--name', 'Deployed', '--owner-email', email, '--stage', 'qa'], { env });

    // Assess
    expect(run.code).toBe(0);
    expect(run.answer.organization).toMatchObject({ name: 'Deployed', status: 'active' });
    expect(run.answer.passwordSetup.link).toBe(`https://dashboard.osma.test/reset-password?code=${run.answer.passwordSetup.code}`);
    expect(run.answer.mail).toEqual({ sent: false, reason: 'no mail sender is configured' });
    const { Item: reset } = await db().send(new GetCommand({ TableName: tableName(), Key: passwordResetKeys.byEmail(email) }));
    expect(reset!.code_hash).toBe(hashResetCode(run.answer.passwordSetup.code));
  });

  it('says when the function is not there, and when the AWS CLI is not installed prints the command to run', async () => {
    // Act
    const otherStage = await admin(['suspend-organization', '--organization-id', 'org_3MTZSoTbJ3r1tFEDJxUh64wAzMp', '--stage', 'prod'], { env });
    const noCli = await admin(['suspend-organization', '--organization-id', 'org_3MTZSoTbJ3r1tFEDJxUh64wAzMp', '--stage', 'prod'], {
      env: { PATH: join(process.execPath, '..') },
    });

    // Assess
    expect(otherStage.code).toBe(1);
    expect(otherStage.stderr).toContain('Function not found: osma-platform-admin-prod');
    expect(noCli.code).toBe(2);
    expect(noCli.stderr).toContain(
      `aws lambda invoke --function-name osma-platform-admin-prod --cli-binary-format raw-in-base64-out --payload '{"command":"suspend-organization","organizationId":"org_3MTZSoTbJ3r1tFEDJxUh64wAzMp"}' answer.json`,
    );
  });
});

describe('npm run admin -- --local without a running stack', () => {
  it('says so, and how to start one', async () => {
    // Prepare
    const empty = mkdtempSync(join(tmpdir(), 'osma-no-stack-'));

    // Act
    const run = await admin(['suspend-organization', '--organization-id', 'org_3MTZSoTbJ3r1tFEDJxUh64wAzMp', '--local', '--data-dir', empty]);
    rmSync(empty, { recursive: true, force: true });

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('No local stack is running');
    expect(run.stderr).toContain('npm start');
    expect(stackInfo.pid).toBeGreaterThan(0);
  });
});
