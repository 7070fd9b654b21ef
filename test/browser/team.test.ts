import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stack } from '#test/support/api';
import { checkPage, dashboardUrl, launchChromium, newPage, signIn } from '#test/support/browser';
import { newPerson } from '#test/support/management';

/**
 * Team (People, Invitations, Roles) in chromium against the local stack: an owner of a fresh
 * organization invites a viewer through the page, the viewer joins by the mailed link and is
 * offered nothing to change, and the owner moves them to deboarding and reads the history.
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** The newest invitation link mailed to `email`, from the local outbox. */
async function mailedLink(email: string): Promise<string> {
  const response = await fetch(`${stack.url}/_local/mail?to=${encodeURIComponent(email)}`);
  const [newest] = ((await response.json()) as { data: { text: string }[] }).data;
  const link = newest?.text.match(/https?:\/\/\S+\/accept-invitation\?token=[\w-]+/)?.[0];
  if (!link) throw new Error(`no invitation link mailed to ${email}`);
  return link;
}

async function openTeam(page: Page, sub: 'People' | 'Invitations' | 'Roles'): Promise<void> {
  const main = page.getByRole('navigation', { name: 'Main' });
  await main.getByRole('link', { name: 'Team', exact: true }).click();
  await main.getByRole('link', { name: sub, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: sub }).waitFor();
}

describe('the Team pages, in chromium against the local stack', () => {
  it('invites a viewer who joins by the mailed link and may change nothing; the owner moves them to deboarding and sees the history', async () => {
    // Prepare: the owner of a fresh organization, signed in
    const owner = await newPerson(['owner']);
    const ownerPage = await newPage(browser);
    await signIn(ownerPage, owner.email, owner.password);
    const invitee = `invitee-${crypto.randomUUID()}@osma.test`;

    // Act: invite them as a viewer through the Invite form on the Invitations page
    await openTeam(ownerPage, 'Invitations');
    await ownerPage.getByRole('button', { name: 'Invite', exact: true }).click();
    const form = ownerPage.getByRole('form', { name: 'Invite a person' });
    await form.getByLabel('Email').fill(invitee);
    await form.getByLabel('First name (optional)').fill('Vic');
    await form.getByLabel('Last name (optional)').fill('Viewer');
    await expect(form.getByRole('checkbox', { name: 'Viewer' }).isChecked()).resolves.toBe(true);
    await checkPage(ownerPage, 'team-invite');
    await form.getByRole('button', { name: 'Send invitation' }).click();
    await ownerPage.getByRole('status').filter({ hasText: `Invitation sent to ${invitee}` }).waitFor();
    const row = ownerPage.getByRole('row').filter({ hasText: invitee });
    await row.getByRole('cell', { name: 'pending' }).waitFor();
    await expect(row.getByRole('button', { name: `Resend the invitation of ${invitee}` }).isVisible()).resolves.toBe(true);
    await checkPage(ownerPage, 'team-invitations');

    // Act: the invitee opens the mailed link (on the dashboard's origin) and sets a password
    const link = await mailedLink(invitee);
    expect(new URL(link).origin).toBe(new URL(dashboardUrl).origin);
    const inviteePage = await newPage(browser);
    await inviteePage.goto(link);
    await inviteePage.getByRole('heading', { level: 1, name: 'Join your team on Osma' }).waitFor();
    await inviteePage.getByLabel('Choose a password').fill(`Pw-${crypto.randomUUID()}`);
    await inviteePage.getByRole('button', { name: 'Accept and sign in' }).click();
    await inviteePage.getByRole('heading', { level: 1, name: 'Home' }).waitFor();

    // Assess: signed in as a viewer, nothing to create or invite
    await inviteePage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Developers', exact: true }).click();
    await inviteePage.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    await inviteePage.getByRole('alert').waitFor();
    await expect(inviteePage.getByRole('button', { name: 'Create key' }).count()).resolves.toBe(0);
    await openTeam(inviteePage, 'People');
    await inviteePage.getByRole('cell', { name: invitee }).waitFor();
    await expect(inviteePage.getByRole('button', { name: 'Invite' }).count()).resolves.toBe(0);
    await checkPage(inviteePage, 'team-people-viewer');
    await openTeam(inviteePage, 'Invitations');
    await inviteePage.getByRole('cell', { name: invitee }).waitFor();
    await expect(inviteePage.getByRole('button', { name: /Invite|Resend|Revoke/ }).count()).resolves.toBe(0);
    await openTeam(inviteePage, 'Roles');
    await inviteePage.getByRole('cell', { name: /^Viewer/ }).waitFor();
    await expect(inviteePage.getByRole('button', { name: 'Create role' }).count()).resolves.toBe(0);
    await inviteePage.context().close();

    // Act: back as the owner, find them by name and move them to deboarding with a reason
    await openTeam(ownerPage, 'People');
    await ownerPage.getByLabel('Name or email').fill('vic');
    await ownerPage.getByRole('button', { name: 'Search' }).click();
    const person = ownerPage.getByRole('row').filter({ hasText: invitee });
    await person.getByRole('cell', { name: 'Active' }).waitFor();
    await expect(person.getByRole('cell', { name: 'Viewer', exact: true }).isVisible()).resolves.toBe(true);
    await checkPage(ownerPage, 'team-people');
    await person.getByRole('link', { name: 'Vic Viewer' }).click();
    await ownerPage.getByRole('heading', { level: 1, name: 'Vic Viewer' }).waitFor();
    await ownerPage.getByLabel('Move to').selectOption({ label: 'Leaving' });
    await ownerPage.getByLabel('Reason code (optional)').fill('R-201');
    await ownerPage.getByRole('button', { name: 'Move', exact: true }).click();
    await ownerPage.getByRole('status').filter({ hasText: 'Moved to Leaving' }).waitFor();

    // Assess: the history holds the invitation, the acceptance and this move, newest first
    const history = ownerPage.getByRole('table', { name: 'State history, newest first' });
    await history.getByRole('cell', { name: 'R-201' }).waitFor();
    const rows = await history.getByRole('row').allTextContents();
    expect(rows[1]).toMatch(/Active.*Leaving.*R-201.*you/);
    expect(rows.find((text) => text.includes('R-ACCEPTED'))).toMatch(/Onboarding.*Active.*R-ACCEPTED.*themselves/);
    await expect(ownerPage.getByRole('button', { name: 'Deactivate' }).isVisible()).resolves.toBe(true);
    await checkPage(ownerPage, 'team-person');

    // Act and assess: deactivation asks first, then moves them to inactive
    await ownerPage.getByRole('button', { name: 'Deactivate' }).click();
    await ownerPage.getByRole('alertdialog').getByRole('button', { name: 'Deactivate now' }).click();
    await ownerPage.getByRole('status').filter({ hasText: 'Vic Viewer deactivated' }).waitFor();
    await history.getByRole('row').nth(1).filter({ hasText: /Leaving.*Deactivated/ }).waitFor();
    await expect(ownerPage.getByRole('button', { name: 'Deactivate' }).count()).resolves.toBe(0);
    await ownerPage.context().close();
  });

  it('invites from the People page, resends the invitation and revokes it after a confirmation', async () => {
    // Prepare
    const owner = await newPerson(['owner']);
    const page = await newPage(browser);
    await signIn(page, owner.email, owner.password);
    const invitee = `invitee-${crypto.randomUUID()}@osma.test`;

    // Act: invite as a developer from People
    await openTeam(page, 'People');
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    await page.getByLabel('Email', { exact: true }).fill(invitee);
    await page.getByRole('checkbox', { name: 'Viewer' }).uncheck();
    await page.getByRole('checkbox', { name: 'Developer' }).check();
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByRole('row').filter({ hasText: invitee }).getByRole('cell', { name: 'Onboarding' }).waitFor();

    // Act: resend, then revoke it on Invitations
    await openTeam(page, 'Invitations');
    const row = page.getByRole('row').filter({ hasText: invitee });
    await row.getByRole('cell', { name: 'Developer', exact: true }).waitFor();
    const firstLink = await mailedLink(invitee);
    await row.getByRole('button', { name: `Resend the invitation of ${invitee}` }).click();
    await page.getByRole('status').filter({ hasText: `Invitation sent again to ${invitee}` }).waitFor();
    await row.getByRole('button', { name: `Revoke the invitation of ${invitee}` }).click();
    await checkPage(page, 'team-invitation-revoke');
    await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke invitation' }).click();
    await page.getByRole('status').filter({ hasText: 'revoked' }).waitFor();

    // Assess: a new link was mailed, the invitation is revoked, and the filter finds it
    expect(await mailedLink(invitee)).not.toBe(firstLink);
    await row.getByRole('cell', { name: 'revoked' }).waitFor();
    await page.getByLabel('Status').selectOption({ label: 'Pending' });
    await page.getByText('No pending invitation.').waitFor();
    await page.getByLabel('Status').selectOption({ label: 'Revoked' });
    await row.getByRole('cell', { name: 'revoked' }).waitFor();
    await page.context().close();
  });

  it('makes a job role, gives it to a person and takes it away, and deletes it once unassigned', async () => {
    // Prepare
    const owner = await newPerson(['owner']);
    const page = await newPage(browser);
    await signIn(page, owner.email, owner.password);
    const name = `pharmacist-${crypto.randomUUID().slice(0, 8)}`;

    // Act: create the role with one permission
    await openTeam(page, 'Roles');
    await page.getByRole('button', { name: 'Create role' }).click();
    await page.getByLabel('Name (a handle: a-z, 0-9, _ and -)').fill(name);
    await page.getByLabel('Display name').fill('Pharmacist');
    await page.getByRole('checkbox', { name: 'request-logs.read' }).check();
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Pharmacist created' }).waitFor();
    await checkPage(page, 'team-roles');

    // Act: give it to the owner on their own page, then take it away
    await openTeam(page, 'People');
    await page.getByRole('link', { name: 'Pat Person' }).click();
    await page.getByRole('heading', { level: 1, name: 'Pat Person' }).waitFor();
    await expect(page.getByLabel('Move to').count()).resolves.toBe(0); // nobody moves themselves
    await page.getByLabel('Give a role').selectOption({ label: 'Pharmacist' });
    await page.getByRole('button', { name: 'Add role' }).click();
    await page.getByRole('button', { name: 'Remove the role Pharmacist' }).waitFor();
    await openTeam(page, 'Roles');
    await page.getByRole('button', { name: 'Holders of Pharmacist' }).click();
    await page.getByRole('region', { name: 'Who holds Pharmacist' }).getByText(owner.email).waitFor();
    await expect(page.getByRole('button', { name: 'Delete Pharmacist' }).count()).resolves.toBe(0);
    await openTeam(page, 'People');
    await page.getByRole('link', { name: 'Pat Person' }).click();
    await page.getByRole('button', { name: 'Remove the role Pharmacist' }).click();
    await page.getByRole('status').filter({ hasText: 'Pharmacist removed' }).waitFor();

    // Assess: unassigned, it can be deleted
    await openTeam(page, 'Roles');
    await page.getByRole('button', { name: 'Delete Pharmacist' }).click();
    await page.getByRole('button', { name: 'Delete role' }).click();
    await page.getByRole('status').filter({ hasText: 'Pharmacist deleted' }).waitFor();
    await page.getByRole('cell', { name: /^Pharmacist/ }).waitFor({ state: 'detached' });
    await expect(page.getByText('No job role yet.').isVisible()).resolves.toBe(true);
    await page.context().close();
  });
});
