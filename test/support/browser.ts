import { mkdirSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';

/** The dashboard's origin of the test stack. */
export const dashboardUrl = inject('dashboardUrl');

/** Debian's chromium, with the flags this machine needs (DESIGN.md, "Environment facts"). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.OSMA_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** A fresh browser context (its own cookies) on the dashboard. */
export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: dashboardUrl, viewport: { width: 1280, height: 800 } });
  return context.newPage();
}

export const SCREENSHOTS = 'test-results/screenshots';

/** The page as a screenshot (a test artifact, gitignored), and axe-core's verdict: no serious or critical violation. */
export async function checkPage(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
  const results = await new AxeBuilder({ page }).analyze();
  const grave = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  expect(grave, `axe-core on ${name}`).toEqual([]);
}

/** Signs in through the sign-in page and waits for Home. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByRole('heading', { level: 1, name: 'Sign in to Osma' }).waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
}
