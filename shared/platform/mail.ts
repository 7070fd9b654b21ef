import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { isLocalStack, optionalSetting, requiredSetting } from '#shared/platform/config';
import { isId, newId } from '#shared/platform/ids';
import { logger } from '#shared/platform/logger';
import { timestamp } from '#shared/platform/time';

/**
 * The mail port: one message to one address. Deployed, it goes out through SES v2 from the
 * stage's sender address (OSMA_MAIL_FROM). In the local stack every message is kept instead as
 * one JSON file in an outbox folder (OSMA_LOCAL_MAIL_DIR, which only the local stack's process
 * honours: see `isLocalStack`), where `GET /_local/mail` lists it; so no setting a deployment
 * can carry makes a Lambda write files instead of sending.
 *
 * A message holds secrets (a reset link carries its code): its address, subject and text are
 * never logged, only its id.
 */
export interface MailMessage {
  /** One address; the caller has checked it (a management route validates every email). */
  to: string;
  subject: string;
  text: string;
  /** A minimal HTML version of `text`, every user-given value in it escaped. */
  html?: string;
}

/** A message as the local outbox keeps it, and as `GET /_local/mail` lists it (without `html`). */
export interface OutboxMessage {
  id: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  'created-at': string;
}

/**
 * Sends one message and answers its id: SES's message id when deployed, a time-sortable
 * `mail_...` id in the local outbox. A failure throws (SES refusing the address, a sandboxed
 * account, a throttle): the caller decides whether its answer depends on the mail.
 */
export async function sendMail(message: MailMessage): Promise<{ id: string }> {
  assertSendable(message);
  const outbox = localMailDir();
  const id = outbox ? keepInOutbox(outbox, message).id : await sendWithSes(message);
  logger.info('mail sent', { mail_id: id, transport: outbox ? 'local-outbox' : 'ses' });
  return { id };
}

/**
 * The local outbox folder: OSMA_LOCAL_MAIL_DIR, honoured only in the local stack's process
 * (the local stack sets it to `<data dir>/mail`). Undefined anywhere else, deployed stages
 * included, whatever their environment holds.
 */
export function localMailDir(): string | undefined {
  return isLocalStack() ? optionalSetting('OSMA_LOCAL_MAIL_DIR') : undefined;
}

/** Whether this process can send mail: the local outbox, or a sender address (a stage deployed without one mails nothing). */
export function canSendMail(): boolean {
  return localMailDir() !== undefined || optionalSetting('OSMA_MAIL_FROM') !== undefined;
}

/** OSMA_MAIL_FROM: the verified SES identity that sends a stage's mail, e.g. `Osma <no-reply@osma.example>`. */
export function mailFrom(): string {
  return requiredSetting('OSMA_MAIL_FROM');
}

/**
 * A message with a second address, or a line break in its address or subject, would be a header
 * injection (a Bcc smuggled in, a forged header): refused as the caller's mistake, never sent.
 */
function assertSendable(message: MailMessage): void {
  if (!/^[^\s@,;<>"]+@[^\s@,;<>"]+$/.test(message.to)) throw new Error('A mail goes to exactly one plain address');
  if (/[\u0000-\u001f\u007f]/.test(message.subject)) throw new Error('A mail subject is one line of text');
}

let ses: SESv2Client | undefined;

/** One client per process, made on first use (like the table's): only a function that mails pays for it. */
function sesClient(): SESv2Client {
  ses ??= new SESv2Client({});
  return ses;
}

async function sendWithSes(message: MailMessage): Promise<string> {
  const utf8 = (data: string) => ({ Data: data, Charset: 'UTF-8' });
  const result = await sesClient().send(
    new SendEmailCommand({
      FromEmailAddress: mailFrom(),
      Destination: { ToAddresses: [message.to] },
      Content: {
        Simple: {
          Subject: utf8(message.subject),
          Body: { Text: utf8(message.text), ...(message.html !== undefined && { Html: utf8(message.html) }) },
        },
      },
    }),
  );
  if (!result.MessageId) throw new Error('SES accepted a message without giving its id');
  return result.MessageId;
}

/**
 * Writes the message as `<dir>/<id>.json`. It is written under a temporary name and then
 * renamed, so a listing never reads half a message. Ids sort by creation time, so the file
 * names do too.
 */
export function keepInOutbox(dir: string, message: MailMessage, now: Date = new Date()): OutboxMessage {
  const id = newId('mail', now.getTime());
  const kept: OutboxMessage = {
    id,
    to: message.to,
    subject: message.subject,
    text: message.text,
    ...(message.html !== undefined && { html: message.html }),
    'created-at': timestamp(now),
  };
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${id}.json`);
  writeFileSync(`${file}.partial`, `${JSON.stringify(kept, null, 2)}\n`);
  renameSync(`${file}.partial`, file);
  return kept;
}

/**
 * The outbox's messages, newest first; with `to`, only those sent to that address (compared
 * case-insensitively, as logins compare emails). A folder not made yet is an empty outbox.
 */
export function readOutbox(dir: string, filter: { to?: string } = {}): OutboxMessage[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const to = filter.to?.toLowerCase();
  return names
    .filter((name) => name.endsWith('.json') && isId('mail', name.slice(0, -'.json'.length)))
    .sort()
    .reverse()
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as OutboxMessage)
    .filter((message) => to === undefined || message.to.toLowerCase() === to);
}
