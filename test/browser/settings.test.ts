import { TOTP } from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPage, launchChromium, newPage, signIn } from '#test/support/browser';
import { newPerson } from '#test/support/management';

/**
 * Task templates and Settings (organization, your account with TOTP and sessions, the audit
 * log) in chromium against the local stack. Each test has a fresh organization whose one
 * person is an owner, so the seeded owner never gets TOTP.
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const STEP_MS = 30_000;
const stepNow = () => Math.floor(Date.now() / STEP_MS);
const codeAt = (totp: TOTP, step: number) => totp.generate({ timestamp: step * STEP_MS });

/** Enabling uses the codes of the step before and the current one: start it with time left in the step. */
async function awayFromStepEdge() {
  const into = Date.now() % STEP_MS;
  if (into > STEP_MS - 10_000) await new Promise((resolve) => setTimeout(resolve, STEP_MS - into + 200));
}

const mainNav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

describe('Settings and Task templates, in chromium against the local stack', () => {
  it('sets up TOTP in Your account, then signs in with the password and a code; the audit log shows mfa.enabled', async () => {
    // Prepare
    const person = await newPerson(['owner']);
    const page = await newPage(browser);
    await signIn(page, person.email, person.password);

    // Act: set up TOTP with the secret the page shows, computing the codes as an authenticator app does
    await mainNav(page).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { level: 1, name: 'Organization' }).waitFor();
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Your account' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
    await page.getByRole('cell', { name: /\(this browser\)/ }).waitFor();
    await checkPage(page, 'settings-account');
    await page.getByRole('button', { name: 'Set up TOTP' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
    const qrCode = page.getByRole('img', { name: /QR code/ });
    await expect(qrCode.evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth)).resolves.toBeGreaterThan(0);
    await checkPage(page, 'settings-account-totp-setup');
    const totp = new TOTP({ secret });
    await awayFromStepEdge();
    const step = stepNow();
    await page.getByLabel('First code').fill(codeAt(totp, step - 1));
    await page.getByLabel('Next code').fill(codeAt(totp, step));
    await page.getByLabel('Your password').fill(person.password);
    await page.getByRole('button', { name: 'Enable TOTP' }).click();
    await page.getByText('TOTP is on').waitFor();
    await page.getByRole('cell', { name: 'enabled', exact: true }).waitFor();

    // Act: sign out, then sign in with the password and then a code (the step after the ones enabling used up)
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in to Osma' }).waitFor();
    await page.getByLabel('Email').fill(person.email);
    await page.getByLabel('Password').fill(person.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Authentication code').fill(codeAt(totp, step + 1));
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    // Signed in, back where the sign-out left (the sign-in page's `next`).
    await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();

    // Assess: the audit log, filtered by action, shows the enabling, by this person
    await page.goto('/settings/audit');
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    await page.getByRole('cell', { name: 'login.succeeded' }).first().waitFor();
    await page.getByLabel('Action').fill('mfa.enabled');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.getByRole('cell', { name: 'login.succeeded' }).count()).toBe(0);
    const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'mfa.enabled', exact: true }) });
    await expect(row.count()).resolves.toBe(1);
    await expect(row.textContent()).resolves.toContain(person.userId);
    await checkPage(page, 'settings-audit');
    await page.context().close();
  }, 90_000); // it may wait up to 10 s for a TOTP step with time left

  it('changes the organization’s display name, and lists your sessions with a sign-out for each', async () => {
    // Prepare: the person has another session, from elsewhere
    const person = await newPerson(['owner']);
    const other = await newPage(browser);
    await signIn(other, person.email, person.password);
    const page = await newPage(browser);
    await signIn(page, person.email, person.password);

    // Act: the display name
    await page.goto('/settings');
    await page.getByRole('heading', { level: 1, name: 'Organization' }).waitFor();
    await expect(page.getByLabel('Default API version').inputValue()).resolves.toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await page.getByLabel('Display name').fill('Renamed in the browser');
    await page.getByLabel('Time zone').selectOption('Europe/Paris');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    await checkPage(page, 'settings-organization');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Organization' }).waitFor();

    // Assess
    await expect(page.getByLabel('Display name').inputValue()).resolves.toBe('Renamed in the browser');
    await expect(page.getByLabel('Time zone').inputValue()).resolves.toBe('Europe/Paris');

    // Act: end the other session from Your account
    await page.goto('/settings/account');
    const sessions = page.getByRole('table', { name: /Your active sessions/ });
    await sessions.getByRole('row').nth(2).waitFor();
    await expect(sessions.getByRole('row').count()).resolves.toBe(3);
    await sessions.getByRole('button', { name: /^Sign out session/ }).click();

    // Assess: one session left, this one; the other browser is signed out at its next call
    await expect.poll(() => sessions.getByRole('row').count()).toBe(2);
    await other.goto('/settings/account');
    await other.getByRole('heading', { level: 1, name: 'Sign in to Osma' }).waitFor();
    await other.context().close();
    await page.context().close();
  });

  it('creates a template in test mode (the API’s schema error shown at its pointer first), which live mode does not have', async () => {
    // Prepare
    const person = await newPerson(['owner']);
    const page = await newPage(browser);
    await signIn(page, person.email, person.password);
    await mainNav(page).getByRole('link', { name: 'Task templates' }).click();
    await page.getByRole('heading', { level: 1, name: 'Task templates' }).waitFor();
    await page.getByText('No test template yet.').waitFor();
    await checkPage(page, 'task-templates-empty');

    // Act: a schema the API refuses, then a good one
    await page.getByRole('button', { name: 'Create template' }).click();
    await page.getByLabel('Reference').fill('blood_pressure');
    await page.getByLabel('Name').fill('Blood pressure');
    await page.getByLabel('Parameters schema').fill('{"$ref": "#"}');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    const fieldError = page.locator('#template-parameters-error');
    await fieldError.waitFor();
    await expect(fieldError.textContent()).resolves.toContain('/data/attributes/parameters/$ref');
    await checkPage(page, 'task-templates-create-error');
    await page.getByLabel('Parameters schema').fill('{"type": "object", "properties": {"systolic": {"type": "integer"}}}');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Template blood_pressure' }).waitFor();
    await checkPage(page, 'task-template');

    // Act: edit it, making version 2
    await page.getByRole('button', { name: /^Edit/ }).click();
    await page.getByLabel('Name').fill('Blood pressure, twice a day');
    await page.getByRole('button', { name: 'Save as a new version' }).click();
    await page.getByText('Saved as version 2').waitFor();

    // Assess: two versions; the list in test mode has it, live mode does not
    await expect.poll(() => page.getByRole('table', { name: /Versions of/ }).getByRole('row').count()).toBe(3);
    await page.getByRole('link', { name: '← Task templates' }).click();
    await page.getByRole('link', { name: 'blood_pressure' }).waitFor();
    await expect(page.getByRole('cell', { name: 'Blood pressure, twice a day' }).count()).resolves.toBe(1);
    await checkPage(page, 'task-templates');
    await page.getByRole('switch', { name: 'Test mode' }).click();
    await page.waitForURL(/mode=live/);
    await page.getByText('No live template yet.').waitFor();
    await expect(page.getByRole('link', { name: 'blood_pressure' }).count()).resolves.toBe(0);
    await page.context().close();
  });

  it('offers a viewer no template changes and no audit log, and shows the organization read-only', async () => {
    const viewer = await newPerson(['viewer']);
    const page = await newPage(browser);
    await signIn(page, viewer.email, viewer.password);

    await page.goto('/task-templates');
    await page.getByText('No test template yet.').waitFor();
    await expect(page.getByRole('button', { name: 'Create template' }).count()).resolves.toBe(0);
    await page.goto('/settings');
    await page.getByRole('heading', { level: 1, name: 'Organization' }).waitFor();
    await page.getByLabel('Display name').waitFor();
    await expect(page.getByLabel('Display name').isDisabled()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Save' }).count()).resolves.toBe(0);
    await expect(page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Audit log' }).count()).resolves.toBe(0);
    await checkPage(page, 'settings-organization-viewer');
    await page.goto('/settings/audit');
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    await expect(refusal.textContent()).resolves.toContain('You may not do this');
    await page.context().close();
  });
});
