import type { APIGatewayProxyResult } from 'aws-lambda';
import { errorResponse } from '#shared/http/handler';
import { errors } from '#shared/platform/errors';
import { localMailDir, readOutbox } from '#shared/platform/mail';

/**
 * `GET /_local/mail`: the local outbox, newest first, so that a person (or a test) can follow
 * an invitation or a password reset link without a mail server. It is no route of any plane:
 * only the local gateway answers it, so no deployed stage has it. `?to=<address>` keeps the
 * messages sent to one address.
 *
 * The outbox holds live reset codes, which is fine only because the gateway listens on loopback.
 */
export const LOCAL_MAIL_PATH = '/_local/mail';

/** The outbox's folder under the local stack's data dir. */
export const LOCAL_MAIL_FOLDER = 'mail';

/** The answer when the request is for the outbox, or undefined to route it as usual. */
export function localMailAnswer(method: string, url: URL): APIGatewayProxyResult | undefined {
  const dir = localMailDir();
  if (!dir || url.pathname.replace(/\/+$/, '') !== LOCAL_MAIL_PATH) return undefined;
  if (method !== 'GET') return errorResponse(errors.methodNotAllowed(['GET']));
  const to = url.searchParams.get('to') ?? undefined;
  const data = readOutbox(dir, { to }).map((message) => ({
    id: message.id,
    to: message.to,
    subject: message.subject,
    text: message.text,
    'created-at': message['created-at'],
  }));
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify({ data }),
  };
}
