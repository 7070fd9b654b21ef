/**
 * The texts of the management plane's mail, as pure builders: each takes what the message says
 * and answers its subject, its plain text and a minimal HTML version. Values that a person
 * chose (an organization's or a person's name) are put on one short line in the subject and the
 * text, and escaped in the HTML, so they can neither add lines or markup nor hide a link.
 * The caller sends the result with `sendMail` (shared/platform/mail.ts).
 */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

/** How long a chosen name may be inside a message; a longer one is cut with an ellipsis. */
export const MAX_NAME_IN_MAIL = 100;

/**
 * The dashboard page that sets a new password: `<dashboard>/reset-password?code=<code>`. The
 * address is not in the link (links end up in browser histories and proxy logs): the page asks
 * for it, and the code alone sets nothing.
 */
export function passwordResetLink(dashboardUrl: string, code: string): string {
  return `${dashboardUrl.replace(/\/+$/, '')}/reset-password?code=${encodeURIComponent(code)}`;
}

export function passwordResetMessage(input: { dashboardUrl: string; code: string; validMinutes: number }): MailContent {
  const link = passwordResetLink(input.dashboardUrl, input.code);
  assertWebLink(link);
  const validity = `within ${input.validMinutes} minutes`;
  const ignore = 'If you did not ask for it, ignore this mail: your password stays as it is.';
  return {
    subject: 'Reset your Osma password',
    text: [
      'Someone asked to reset the password of the Osma account for this address.',
      '',
      `To choose a new password, open this link ${validity}; it works once:`,
      link,
      '',
      ignore,
      '',
    ].join('\n'),
    html: htmlPage([
      paragraph('Someone asked to reset the password of the Osma account for this address.'),
      paragraph(`To choose a new password, open this link ${validity}; it works once:`),
      linkParagraph(link, 'Reset your password'),
      paragraph(ignore),
    ]),
  };
}

/** An invitation to join an organization; `link` accepts it (the invitation's own page). */
export function invitationMessage(input: {
  organizationName: string;
  inviterName: string;
  link: string;
  /** How long the invitation stays open, said in the message when given. */
  validDays?: number;
}): MailContent {
  assertWebLink(input.link);
  const organization = oneLine(input.organizationName);
  const inviter = oneLine(input.inviterName);
  const invited = `${quoted(inviter)} invited you to join ${quoted(organization)} on Osma.`;
  const accept = `To accept, open this link${input.validDays === undefined ? '' : ` within ${input.validDays} days`}:`;
  const ignore = 'If you did not expect it, ignore this mail: nothing happens without you.';
  return {
    subject: `${inviter} invited you to ${organization} on Osma`,
    text: [invited, '', accept, input.link, '', ignore, ''].join('\n'),
    html: htmlPage([paragraph(invited), paragraph(accept), linkParagraph(input.link, 'Accept the invitation'), paragraph(ignore)]),
  };
}

/**
 * A chosen name as one line: control characters and line or paragraph separators become
 * spaces, runs of blanks one space, and it is cut at MAX_NAME_IN_MAIL characters.
 */
export function oneLine(value: string): string {
  const line = value
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const characters = [...line];
  return characters.length <= MAX_NAME_IN_MAIL ? line : `${characters.slice(0, MAX_NAME_IN_MAIL - 1).join('')}…`;
}

/** Text for HTML, in an element or in a quoted attribute. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ENTITIES[character]!);
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function quoted(value: string): string {
  return `“${value}”`;
}

/** Only a web link goes into an href: a `javascript:` or `data:` one would run in a mail client. */
function assertWebLink(link: string): void {
  const protocol = URL.canParse(link) ? new URL(link).protocol : undefined;
  if (protocol !== 'https:' && protocol !== 'http:') throw new Error('A link in a mail must be an http or https URL');
}

function paragraph(text: string): string {
  return `<p>${escapeHtml(text)}</p>`;
}

function linkParagraph(link: string, label: string): string {
  return `<p><a href="${escapeHtml(link)}">${escapeHtml(label)}</a><br>${escapeHtml(link)}</p>`;
}

function htmlPage(body: string[]): string {
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"></head><body>\n${body.join('\n')}\n</body></html>\n`;
}
