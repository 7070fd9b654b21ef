import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { LOCAL_MAIL_FOLDER } from '#local/mail-outbox';
import { markLocalStack } from '#shared/platform/config';
import { sendMail } from '#shared/platform/mail';
import { stack, TIMESTAMP } from '#test/support/api';

/**
 * `GET /_local/mail`, served by the running local stack's gateway. No route sends mail yet, so
 * this test plays the handler that will: it runs the mail port in this process as the local
 * stack runs it (marked as the local stack, its outbox the stack's `<data dir>/mail`), and reads
 * the messages back over HTTP from the stack. That checks the stack's own wiring of the folder,
 * the gateway's route, and that writer and reader agree on the format; once a route mails
 * (forgot-password), its own test follows the same listing.
 */
let counter = 0;
const uniqueAddress = () => `mail-${Date.now()}-${counter++}@osma.test`;

async function outbox(query = ''): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(`${stack.url}/_local/mail${query}`);
  return { status: response.status, headers: response.headers, body: await response.json() };
}

beforeAll(() => {
  markLocalStack();
  process.env.OSMA_LOCAL_MAIL_DIR = join(inject('dataDir'), LOCAL_MAIL_FOLDER);
});

describe('GET /_local/mail', () => {
  it('lists the messages sent, newest first, with id, to, subject, text and created-at', async () => {
    // Prepare
    const to = uniqueAddress();
    const first = await sendMail({ to, subject: 'First', text: 'one', html: '<p>one</p>' });
    const second = await sendMail({ to, subject: 'Second', text: 'two' });

    // Act
    const response = await outbox();

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('request-id')).toBeTruthy();
    const ids = response.body.data.map((message: { id: string }) => message.id);
    expect(ids.indexOf(second.id)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(first.id));
    expect(ids).toEqual([...ids].sort().reverse());
    const listed = response.body.data.find((message: { id: string }) => message.id === first.id);
    expect(listed).toEqual({ id: first.id, to, subject: 'First', text: 'one', 'created-at': expect.stringMatching(TIMESTAMP) });
    expect(Object.keys(listed)).toEqual(['id', 'to', 'subject', 'text', 'created-at']);
  });

  it('keeps the messages to one address with ?to=, whatever its case', async () => {
    // Prepare
    const to = uniqueAddress();
    const mine = await sendMail({ to, subject: 'Mine', text: 'for me' });
    await sendMail({ to: uniqueAddress(), subject: 'Other', text: 'not for me' });

    // Act
    const response = await outbox(`?to=${encodeURIComponent(to.toUpperCase())}`);

    // Assess
    expect(response.status).toBe(200);
    expect(response.body.data.map((message: { id: string }) => message.id)).toEqual([mine.id]);
  });

  it('answers the same with a trailing slash, and only GET', async () => {
    const to = uniqueAddress();
    const sent = await sendMail({ to, subject: 'Slash', text: 'x' });
    const slash = await outbox(`/?to=${encodeURIComponent(to)}`);
    expect(slash.body.data.map((message: { id: string }) => message.id)).toEqual([sent.id]);

    const post = await fetch(`${stack.url}/_local/mail`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
  });

  it('is no route of the API: not in its OpenAPI document', async () => {
    const document = (await (await fetch(`${stack.url}/spec/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths).filter((path) => path.includes('_local'))).toEqual([]);
  });
});
