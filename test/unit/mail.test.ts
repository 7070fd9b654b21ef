import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markLocalStack } from '#shared/platform/config';
import { keepInOutbox, localMailDir, readOutbox, sendMail } from '#shared/platform/mail';

/**
 * The mail port, both ways. SES is played by a local HTTP server that answers SES v2's
 * SendEmail as SES does and keeps what it received, so the test reads the request the SDK
 * really sends. The tests run in order: the process is marked as the local stack halfway.
 */
const outbox = mkdtempSync(join(tmpdir(), 'osma-mail-test-'));
const received: { path: string; body: any }[] = [];
let ses: Server;

beforeAll(async () => {
  ses = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(body) });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ MessageId: `ses-message-${received.length}` }));
    });
  });
  await new Promise<void>((resolve) => ses.listen(0, '127.0.0.1', resolve));
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL_SESV2: `http://127.0.0.1:${(ses.address() as AddressInfo).port}`,
    OSMA_MAIL_FROM: 'Osma <no-reply@osma.test>',
    // What a deployment could set: it must not turn a function into a file writer.
    OSMA_LOCAL_MAIL_DIR: outbox,
  });
});

afterAll(async () => {
  await new Promise((resolve) => ses.close(resolve));
  rmSync(outbox, { recursive: true, force: true });
});

describe('outside the local stack', () => {
  it('sends through SES from the stage sender, whatever OSMA_LOCAL_MAIL_DIR says', async () => {
    // Act
    const sent = await sendMail({ to: 'ada@osma.test', subject: 'Hello', text: 'Plain', html: '<p>Plain</p>' });

    // Assess
    expect(sent).toEqual({ id: 'ses-message-1' });
    expect(localMailDir()).toBeUndefined();
    expect(readdirSync(outbox)).toEqual([]);
    expect(received).toEqual([
      {
        path: '/v2/email/outbound-emails',
        body: {
          FromEmailAddress: 'Osma <no-reply@osma.test>',
          Destination: { ToAddresses: ['ada@osma.test'] },
          Content: {
            Simple: {
              Subject: { Data: 'Hello', Charset: 'UTF-8' },
              Body: { Text: { Data: 'Plain', Charset: 'UTF-8' }, Html: { Data: '<p>Plain</p>', Charset: 'UTF-8' } },
            },
          },
        },
      },
    ]);
  });

  it('refuses a second address or a line break in the subject before anything is sent', async () => {
    const sent = received.length;
    for (const to of ['a@osma.test, b@osma.test', 'a@osma.test\r\nBcc: b@osma.test', 'Ada <a@osma.test>', 'nobody']) {
      await expect(sendMail({ to, subject: 'Hi', text: 'x' }), to).rejects.toThrow(/one plain address/);
    }
    await expect(sendMail({ to: 'a@osma.test', subject: 'Hi\r\nBcc: b@osma.test', text: 'x' })).rejects.toThrow(/one line/);
    expect(received).toHaveLength(sent);
  });
});

describe('in the local stack', () => {
  it('keeps every message as one JSON file in the outbox, and sends nothing', async () => {
    // Prepare
    markLocalStack();
    const sent = received.length;

    // Act
    const { id } = await sendMail({ to: 'Ada@Osma.test', subject: 'Reset', text: 'Open http://x/reset-password?code=1' });

    // Assess
    expect(id).toMatch(/^mail_[0-9A-Za-z]{27}$/);
    expect(received).toHaveLength(sent);
    expect(readdirSync(outbox)).toEqual([`${id}.json`]);
    expect(JSON.parse(readFileSync(join(outbox, `${id}.json`), 'utf8'))).toEqual({
      id,
      to: 'Ada@Osma.test',
      subject: 'Reset',
      text: 'Open http://x/reset-password?code=1',
      'created-at': expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/),
    });
  });

  it('lists newest first, and by address whatever its case', () => {
    // Prepare: three messages a second apart, written out of order.
    const dir = mkdtempSync(join(tmpdir(), 'osma-mail-list-'));
    const second = keepInOutbox(dir, { to: 'b@osma.test', subject: '2', text: '2' }, new Date('2030-01-01T00:00:02Z'));
    const first = keepInOutbox(dir, { to: 'a@osma.test', subject: '1', text: '1' }, new Date('2030-01-01T00:00:01Z'));
    const third = keepInOutbox(dir, { to: 'A@osma.test', subject: '3', text: '3' }, new Date('2030-01-01T00:00:03Z'));

    // Act
    const all = readOutbox(dir);
    const toA = readOutbox(dir, { to: 'a@OSMA.test' });

    // Assess
    expect(all.map((message) => message.subject)).toEqual(['3', '2', '1']);
    expect(all[0]).toEqual(third);
    expect(toA.map((message) => message.id)).toEqual([third.id, first.id]);
    expect(readOutbox(dir, { to: 'nobody@osma.test' })).toEqual([]);
    expect(second['created-at']).toBe('2030-01-01T00:00:02.000000+00:00');
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a folder not made yet as an empty outbox', () => {
    expect(readOutbox(join(outbox, 'not-yet'))).toEqual([]);
  });
});
