import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, stack } from '#test/support/api';
import { checkPage, launchChromium, newPage, signIn } from '#test/support/browser';
import { logIn, manage, newPerson, owner } from '#test/support/management';
import { startReceiver, type Receiver } from '#test/support/receiver';

let browser: Browser;
let receiver: Receiver;
beforeAll(async () => {
  [browser, receiver] = await Promise.all([launchChromium(), startReceiver()]);
});
afterAll(async () => {
  await Promise.all([browser?.close(), receiver?.close()]);
});

const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();
const subNavigation = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

describe('Developers: webhooks, events and request logs, in chromium against the local stack', () => {
  it('adds a test endpoint, shows the delivery of a task made with the test key, resends it, finds the call in the request logs, and shows live none of it', async () => {
    // Prepare: the owner signed in; a template the public API's task can name
    const reference = `dash_dev_${randomUUID().slice(0, 8)}`;
    const template = await call('POST', '/task_templates', { key: stack.testKey, body: { reference, name: 'Dashboard check' } });
    expect(template.status, template.text).toBe(201);
    const path = `/hooks/${randomUUID()}`;
    const url = `${receiver.url}${path}`;
    const page = await newPage(browser);
    await signIn(page, owner.email, owner.password);

    // Act: add the endpoint in the Webhooks page; its secret is shown once
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Developers', exact: true }).click();
    await heading(page, 'API keys');
    await subNavigation(page, 'Webhooks').click();
    await heading(page, 'Webhooks');
    await expect(page.evaluate('document.activeElement && document.activeElement.textContent')).resolves.toBe('Webhooks');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByLabel('Endpoint URL').fill(url);
    await page.getByRole('checkbox', { name: 'tasks.created' }).check();
    await page.getByLabel('Description').fill('Browser test receiver');
    await page.getByRole('form', { name: 'Add a test endpoint' }).getByRole('button', { name: 'Add endpoint' }).click();
    const secret = (await page.getByTestId('secret').textContent()) ?? '';
    await page.getByRole('cell', { name: new RegExp('^' + url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')) }).waitFor();
    await checkPage(page, 'webhooks');

    // Act: a task through the public API with the organization's test key
    const task = await call('POST', '/tasks', { key: stack.testKey, body: { template: reference } });
    expect(task.status, task.text).toBe(201);
    const [first] = await receiver.waitFor(path, 1);
    const eventId = first!.json.id;

    // Act: the event in the Events page, its delivery with one attempt; then Resend
    await subNavigation(page, 'Events').click();
    await heading(page, 'Events');
    await page.locator(`a[href="/developers/events/${eventId}"]`).waitFor();
    await checkPage(page, 'events');
    await page.locator(`a[href="/developers/events/${eventId}"]`).click();
    await heading(page, `Event ${eventId}`);
    const delivery = page.getByRole('article', { name: `To ${url}` });
    await expect.poll(async () => (await page.getByRole('button', { name: 'Refresh deliveries' }).click(), delivery.getByText('succeeded').count()), { timeout: 15_000 }).toBe(1);
    await expect(delivery.getByTestId('attempt').count()).resolves.toBe(1);
    await delivery.getByRole('button', { name: `Resend to ${url}` }).click();
    const seconds = await receiver.waitFor(path, 2);
    await expect.poll(() => delivery.getByTestId('attempt').count(), { timeout: 15_000 }).toBe(2);
    await checkPage(page, 'event');

    // Assert: the second attempt reached the receiver, for the same event, and the page lists it as a resend with its status code
    expect(seconds[1]!.json.id).toBe(eventId);
    const attempts = await delivery.getByTestId('attempt').allTextContents();
    expect(attempts[0]).toContain('automatic');
    expect(attempts[0]).toContain('200');
    expect(attempts[1]).toContain('resend 1');
    expect(attempts[1]).toContain('200');
    expect(secret).toMatch(/^whsec_/);

    // Act: the public API call, found by its request-id in the Request logs page
    const requestId = task.headers.get('request-id') ?? '';
    expect(requestId).not.toBe('');
    await subNavigation(page, 'Request logs').click();
    await heading(page, 'Request logs');
    await page.getByRole('table').or(page.getByText('No test request matches')).first().waitFor();
    await checkPage(page, 'request-logs');
    await page.getByLabel(/^Request id/).fill(requestId);
    await page.getByRole('button', { name: 'Find request' }).click();
    await heading(page, `Request ${requestId}`);
    const detail = page.getByTestId('request-log');
    await detail.waitFor();
    await checkPage(page, 'request-log');

    // Assert: the request's detail
    const facts = (await detail.textContent()) ?? '';
    expect(facts).toContain('POST');
    expect(facts).toContain('/tasks');
    expect(facts).toContain('201');
    expect(facts).toMatch(/key_/);

    // Act: filter the list by status class and route
    await page.getByRole('link', { name: 'All requests' }).click();
    await heading(page, 'Request logs');
    await page.getByLabel('Status').fill('2xx');
    await page.getByLabel('Route').fill('POST /tasks');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.getByRole('link', { name: new RegExp(`request ${requestId}$`) }).waitFor();
    expect(new URL(page.url()).searchParams.get('status')).toBe('2xx');

    // Act: Home, with the latest requests
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Home' }).click();
    await heading(page, 'Home');
    await page.getByRole('heading', { level: 2, name: 'Latest requests' }).waitFor();
    await page.getByRole('table', { name: 'The latest requests in test mode' }).waitFor();
    await page.getByText(/No failed delivery|Failed deliveries among/).first().waitFor();
    await checkPage(page, 'home-developers');

    // Act: live mode, everywhere
    await page.goto('/developers/webhooks');
    await heading(page, 'Webhooks');
    await page.getByRole('switch', { name: 'Test mode' }).uncheck();
    await page.waitForURL(/mode=live/);
    await page.getByRole('table').or(page.getByText('No live endpoint yet.')).first().waitFor();
    await checkPage(page, 'webhooks-live');

    // Assert: live shows none of the test endpoint, its event or its request
    await expect(page.getByText(url).count()).resolves.toBe(0);
    await page.goto(`/developers/events?mode=live`);
    await heading(page, 'Events');
    await page.getByRole('table').or(page.getByText('No live event')).first().waitFor();
    await expect(page.locator(`a[href*="${eventId}"]`).count()).resolves.toBe(0);
    await page.goto(`/developers/events/${eventId}?mode=live`);
    await expect(page.getByRole('alert').first().textContent()).resolves.toContain('resource_not_found');
    await page.goto(`/developers/logs/${requestId}?mode=live`);
    await page.getByText('This request was made with a test key.').waitFor();
    await expect(page.getByTestId('request-log').count()).resolves.toBe(0);
    await page.goto(`/developers/logs?mode=live`);
    await page.getByRole('table').or(page.getByText('No live request matches')).first().waitFor();
    await expect(page.getByRole('link', { name: new RegExp(`request ${requestId}$`) }).count()).resolves.toBe(0);
    await page.context().close();
  });

  it('lets a developer edit an endpoint\'s events, rotate its secret, enable it again after it was disabled, and delete it after a confirmation', async () => {
    // Prepare: a developer of a fresh organization, signed in
    const developer = await newPerson(['developer']);
    const url = `${receiver.url}/hooks/${randomUUID()}`;
    const page = await newPage(browser);
    const confirmations: string[] = [];
    page.on('dialog', (dialog) => {
      confirmations.push(dialog.message());
      void dialog.accept();
    });
    await signIn(page, developer.email, developer.password);
    await page.goto('/developers/webhooks');
    await heading(page, 'Webhooks');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByLabel('Endpoint URL').fill(url);
    await page.getByRole('checkbox', { name: 'tasks.created' }).check();
    await page.getByRole('form', { name: 'Add a test endpoint' }).getByRole('button', { name: 'Add endpoint' }).click();
    const firstSecret = (await page.getByTestId('secret').textContent()) ?? '';

    // Act: edit its events
    await page.getByRole('button', { name: `Edit ${url}` }).click();
    await page.getByRole('checkbox', { name: 'tasks.completed' }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('cell', { name: 'tasks.created, tasks.completed' }).waitFor();

    // Act: rotate its secret
    await page.getByRole('button', { name: `Rotate secret of ${url}` }).click();
    await page.getByRole('region', { name: `The new signing secret of ${url}` }).waitFor();
    const secondSecret = (await page.getByTestId('secret').textContent()) ?? '';
    await page.getByText(/old secret signs until/).waitFor();

    // Act: disabled through the API, then enabled again in the page
    const { 'access-token': token } = await logIn(developer.email, developer.password);
    const listed = await manage('GET', '/v1/webhook-endpoints/?filter[mode]=test', { token });
    const id = listed.body.data[0].id as string;
    const disabled = await manage('PATCH', `/v1/webhook-endpoints/${id}/?filter[mode]=test`, { token, body: { data: { type: 'webhook-endpoints', id, attributes: { status: 'disabled' } } } });
    expect(disabled.status, disabled.text).toBe(200);
    await page.reload();
    await page.getByText('disabled on request (an update)').waitFor();
    await checkPage(page, 'webhooks-disabled');
    await page.getByRole('button', { name: `Enable ${url}` }).click();
    await expect.poll(() => page.getByText('disabled on request (an update)').count()).toBe(0);
    const enabled = (await page.getByRole('row').nth(1).textContent()) ?? '';

    // Act: delete it
    await page.getByRole('button', { name: `Delete ${url}` }).click();
    await page.getByText('No test endpoint yet.').waitFor();

    // Assert: each secret once and different; the enable and both confirmations happened; the API has no endpoint left
    expect(firstSecret).toMatch(/^whsec_/);
    expect(secondSecret).toMatch(/^whsec_/);
    expect(secondSecret).not.toBe(firstSecret);
    expect(enabled).toContain('enabled');
    expect(confirmations).toHaveLength(2);
    expect(confirmations[0]).toContain('Rotate the secret');
    expect(confirmations[1]).toContain('Delete the endpoint');
    const after = await manage('GET', '/v1/webhook-endpoints/?filter[mode]=test', { token });
    expect(after.body.data).toEqual([]);
    await page.context().close();
  });

  it('offers a viewer the lists but no Add endpoint, and shows the 404 of a request id that is not theirs with its request id', async () => {
    // Prepare
    const viewer = await newPerson(['viewer']);
    const page = await newPage(browser);

    // Act
    await signIn(page, viewer.email, viewer.password);
    await page.goto('/developers/webhooks');
    await heading(page, 'Webhooks');
    await page.getByText('No test endpoint yet.').waitFor();
    await checkPage(page, 'webhooks-viewer');
    await page.goto('/developers/events');
    await heading(page, 'Events');
    await page.getByText('No test event in the last 30 days.').waitFor();
    await page.goto('/developers/logs');
    await heading(page, 'Request logs');
    await page.getByText('No test request matches.').waitFor();

    // Assert: no changing control; and a request id that is not one of theirs is the API's 404, with its request id
    await expect(page.getByRole('button', { name: 'Add endpoint' }).count()).resolves.toBe(0);
    await page.getByLabel(/^Request id/).fill('00000000-0000-4000-8000-000000000000');
    await page.getByRole('button', { name: 'Find request' }).click();
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    await expect(refusal.getByTestId('request-id').textContent()).resolves.toMatch(/^[0-9a-f-]{36}$/);
    await checkPage(page, 'request-log-missing');
    await page.context().close();
  });
});
