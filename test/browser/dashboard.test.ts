import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stack } from '#test/support/api';
import { checkPage, dashboardUrl, launchChromium, newPage, signIn } from '#test/support/browser';
import { newPerson, owner } from '#test/support/management';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('the dashboard, in chromium against the local stack', () => {
  it('serves the app with its security headers, and index.html uncached', async () => {
    const page = await fetch(`${dashboardUrl}/developers/api-keys`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self';");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(await page.text())?.[1];
    const asset = await fetch(`${dashboardUrl}${script}`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(((await (await fetch(`${dashboardUrl}/config.json`)).json()) as { apiUrl: string }).apiUrl).toBe(stack.url.replace('127.0.0.1', 'localhost'));
  });

  it('signs the owner in, shows Home, and makes a test key whose secret, shown once, calls the public API', async () => {
    // Prepare
    const page = await newPage(browser);
    await page.goto('/');
    await page.getByRole('heading', { level: 1, name: 'Sign in to Osma' }).waitFor();
    await checkPage(page, 'sign-in');

    // Act: sign in, then create a key on the API keys page
    await signIn(page, owner.email, owner.password);
    await expect(page.getByTestId('api-url').textContent()).resolves.toBe(stack.url.replace('127.0.0.1', 'localhost'));
    await expect(page.getByText('Test mode: you are looking at test data').isVisible()).resolves.toBe(true);
    await checkPage(page, 'home');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Developers', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.textContent')).toBe('API keys');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByLabel('Name').fill('Browser test key');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    const secret = (await page.getByTestId('secret').textContent()) ?? '';
    await page.getByRole('cell', { name: /^Browser test key/ }).waitFor();
    await checkPage(page, 'api-keys');

    // Assess: the secret is a test key that the public API takes; no secret is left in storage or the address
    expect(secret).toMatch(/^sk_test_/);
    const members = await fetch(`${stack.url}/members`, { headers: { 'osma-api-key': secret } });
    expect(members.status).toBe(200);
    // Page script runs in the browser: the root tsconfig has no DOM types, so it goes as text.
    const stored = String(await page.evaluate('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + location.href + document.cookie'));
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain('osma_session');
    await page.context().close();
  });

  it('offers a viewer no way to create a key', async () => {
    // Prepare
    const viewer = await newPerson(['viewer']);
    const page = await newPage(browser);

    // Act
    await signIn(page, viewer.email, viewer.password);
    await page.goto('/developers/api-keys');
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    const refusal = page.getByRole('alert');
    await refusal.waitFor();

    // Assess: no button to make a key, and the API's refusal (viewers may not list keys) shown with its request id
    await expect(page.getByRole('button', { name: 'Create key' }).count()).resolves.toBe(0);
    await expect(refusal.textContent()).resolves.toContain('You may not do this');
    await expect(refusal.getByTestId('request-id').textContent()).resolves.toMatch(/^[0-9a-f-]{36}$/);
    await checkPage(page, 'api-keys-viewer');
    await page.context().close();
  });

  it('keeps the mode in the address, shows each mode its own keys, asks for the password for a live key, and signs out', async () => {
    // Prepare: an organization of its own, with no key yet
    const person = await newPerson(['owner']);
    const page = await newPage(browser);
    await signIn(page, person.email, person.password);
    await page.goto('/developers/api-keys');
    await page.getByText('No test key yet.').waitFor();

    // Act: to live mode, and a live key (step-up with the password)
    await page.getByRole('switch', { name: 'Test mode' }).uncheck();
    await page.waitForURL(/\/developers\/api-keys\?mode=live$/);
    await page.getByText('No live key yet.').waitFor();
    await checkPage(page, 'api-keys-live-empty');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByLabel('Name').fill('Production');
    await page.getByLabel('Your password (live keys need it)').fill(person.password);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    const secret = (await page.getByTestId('secret').textContent()) ?? '';

    // Assess: a live key, no test banner in live mode, and the test list still empty
    expect(secret).toMatch(/^sk_live_/);
    expect((await fetch(`${stack.url}/members`, { headers: { 'osma-api-key': secret } })).status).toBe(200);
    await expect(page.getByText('Test mode: you are looking at test data').count()).resolves.toBe(0);
    await page.getByRole('switch', { name: 'Test mode' }).check();
    await page.getByText('No test key yet.').waitFor();

    // Act: sign out, keeping the cookies the browser had
    const cookies = await page.context().cookies();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in to Osma' }).waitFor();

    // Assess: the session those cookies named is ended on the server, not only forgotten by the browser
    const cookie = (name: string) => cookies.find((one) => one.name === name)?.value ?? '';
    const replay = await fetch(`${dashboardUrl}/v1/authenticate/`, {
      method: 'POST',
      headers: { cookie: `osma_session=${cookie('osma_session')}; osma_csrf=${cookie('osma_csrf')}`, 'x-csrf-token': cookie('osma_csrf') },
    });
    expect(replay.status).toBe(401);
    await page.context().close();
  });
});
