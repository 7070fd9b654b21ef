import { Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/**
 * A stage's mail sender, the deploy setting `-c mailFrom=...`: `Osma <no-reply@osma.example>` or
 * a bare address. Its address (or its domain) must be a verified SES identity in the stage's
 * region; functions that mail get OSMA_MAIL_FROM and may send from that address and no other.
 */
export interface MailSender {
  /** As given, the `From` of every message (OSMA_MAIL_FROM). */
  from: string;
  address: string;
  domain: string;
}

const SENDER = /^\s*(?:[^<>\r\n]*?\s*<([^<>\s@]+@[^<>\s@]+\.[^<>\s@]+)>|([^<>\s@]+@[^<>\s@]+\.[^<>\s@]+))\s*$/;

export function mailSender(from: string): MailSender {
  const match = SENDER.exec(from);
  const address = match?.[1] ?? match?.[2];
  if (!address) throw new Error(`mailFrom must be an address or "Name <address>"; got '${from}'`);
  return { from: from.trim(), address, domain: address.slice(address.indexOf('@') + 1) };
}

/**
 * `ses:SendEmail` on the sender's SES identities only (the address's, and its domain's, which
 * SES authorizes instead when the domain is what was verified), and only with that address as
 * the sender (`ses:FromAddress`).
 */
export function sendMailStatement(scope: Construct, sender: MailSender): PolicyStatement {
  const identity = (name: string) => Stack.of(scope).formatArn({ service: 'ses', resource: 'identity', resourceName: name });
  return new PolicyStatement({
    actions: ['ses:SendEmail'],
    resources: [identity(sender.address), identity(sender.domain)],
    conditions: { StringEquals: { 'ses:FromAddress': sender.address } },
  });
}
