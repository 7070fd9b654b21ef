import * as z from 'zod';
import { invitationMessage, passwordResetLink } from '#shared/identity/mail/messages';
import type { Organization } from '#shared/identity/organizations/organization';
import {
  createOrganizationWithOwner,
  setOrganizationStatus,
  setRateLimits,
} from '#shared/identity/platform/organizations';
import { errors, OsmaError } from '#shared/platform/errors';
import { isId } from '#shared/platform/ids';
import { logger } from '#shared/platform/logger';
import type { MailMessage } from '#shared/platform/mail';
import { timestamp } from '#shared/platform/time';

/**
 * The platform team's commands, one JSON object each: what the IAM-only platform function
 * takes as its event and what `npm run admin` builds from its flags. Unknown fields are refused.
 */
const organizationId = z.string().refine((id) => isId('organization', id), { error: 'organizationId must be an organization id (org_...)' });
const rateLimit = z.number().int().min(1).max(100_000);

export const adminCommandSchema = z.discriminatedUnion('command', [
  z.strictObject({
    command: z.literal('create-organization'),
    name: z.string().trim().min(1).max(200),
    ownerEmail: z.email(),
    ownerFirstName: z.string().trim().max(100).optional(),
    ownerLastName: z.string().trim().max(100).optional(),
  }),
  z.strictObject({ command: z.literal('suspend-organization'), organizationId }),
  z.strictObject({ command: z.literal('reactivate-organization'), organizationId }),
  z
    .strictObject({ command: z.literal('set-rate-limits'), organizationId, test: rateLimit.optional(), live: rateLimit.optional() })
    .refine((input) => input.test !== undefined || input.live !== undefined, { error: 'Give test, live or both', path: ['test'] }),
]);

export type AdminCommand = z.infer<typeof adminCommandSchema>;
export const ADMIN_COMMANDS = ['create-organization', 'suspend-organization', 'reactivate-organization', 'set-rate-limits'] as const;

/** What the caller provides: where links lead, and a way to send mail when it has one. */
export interface AdminPorts {
  /** The dashboard's URL (OSMA_DASHBOARD_URL); without it the answer has the code but no link, and no mail goes out. */
  dashboardUrl?: string;
  sendMail?: (message: MailMessage) => Promise<{ id: string }>;
}

export interface OrganizationSummary {
  id: string;
  name: string;
  status: Organization['status'];
  rateLimits: Organization['settings']['rate_limits'];
  updatedAt: string;
}

export type AdminAnswer =
  | {
      organization: OrganizationSummary;
      owner: { userId: string; email: string };
      /** How the owner sets a first password: the link (or, without a dashboard, the code for confirm-forgot-password). */
      passwordSetup: { code: string; link: string | null; expiresAt: string };
      mail: { sent: true; id: string } | { sent: false; reason: string };
    }
  | { organization: OrganizationSummary; changed: boolean }
  | { organization: OrganizationSummary }
  | { error: { status: number; code?: string; message: string; params?: { param: string; message: string }[] } };

/**
 * Runs one command. Input the command refuses (an invalid field, an unknown organization, an
 * owner email that has a login) is answered as `{error}`, with the status the management API
 * would give it; anything else throws, so the platform function reports it as a function error.
 */
export async function runAdminCommand(input: unknown, ports: AdminPorts = {}): Promise<AdminAnswer> {
  try {
    return await run(parseCommand(input), ports);
  } catch (error) {
    if (!(error instanceof OsmaError)) throw error;
    return {
      error: {
        status: error.status,
        ...(error.code && { code: error.code }),
        message: error.message,
        ...(error.params?.length && { params: error.params.map(({ param, message }) => ({ param, message })) }),
      },
    };
  }
}

export function parseCommand(input: unknown): AdminCommand {
  const result = adminCommandSchema.safeParse(input);
  if (result.success) return result.data;
  throw errors.invalidParams(
    result.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ param: key, message: `Unknown field: ${key}` }))
        : [{ param: issue.path.map(String).join('.') || 'command', message: issue.message }],
    ),
  );
}

async function run(command: AdminCommand, ports: AdminPorts): Promise<AdminAnswer> {
  switch (command.command) {
    case 'create-organization': {
      const created = await createOrganizationWithOwner(command);
      const link = ports.dashboardUrl ? passwordResetLink(ports.dashboardUrl, created.passwordSetup.code) : null;
      return {
        organization: summary(created.organization),
        owner: { userId: created.owner.userId, email: created.owner.email },
        passwordSetup: { code: created.passwordSetup.code, link, expiresAt: timestamp(created.passwordSetup.expiresAt) },
        mail: await invite(command.name, created.owner.email, link, created.passwordSetup.expiresAt, ports),
      };
    }
    case 'suspend-organization':
    case 'reactivate-organization': {
      const status = command.command === 'suspend-organization' ? 'suspended' : 'active';
      const { organization, changed } = await setOrganizationStatus(command.organizationId, status);
      return { organization: summary(organization), changed };
    }
    case 'set-rate-limits': {
      const limits = { ...(command.test !== undefined && { test: command.test }), ...(command.live !== undefined && { live: command.live }) };
      return { organization: summary(await setRateLimits(command.organizationId, limits)) };
    }
  }
}

/**
 * Mails the owner the link. The organization exists whatever happens here (a new SES account
 * mails only verified addresses), so a failure is reported, not thrown: the printed link works.
 */
async function invite(
  organizationName: string,
  to: string,
  link: string | null,
  expiresAt: Date,
  ports: AdminPorts,
): Promise<{ sent: true; id: string } | { sent: false; reason: string }> {
  if (!ports.sendMail) return { sent: false, reason: 'no mail sender is configured' };
  if (!link) return { sent: false, reason: 'no dashboard URL is configured, so there is no link to mail' };
  const validDays = Math.round((expiresAt.getTime() - Date.now()) / 86_400_000);
  const message = invitationMessage({ organizationName, inviterName: 'The Osma team', link, validDays });
  try {
    return { sent: true, id: (await ports.sendMail({ to, ...message })).id };
  } catch (error) {
    logger.warn('owner invitation not mailed', { error: (error as Error).name });
    return { sent: false, reason: `the mail could not be sent: ${(error as Error).name}` };
  }
}

function summary(organization: Organization): OrganizationSummary {
  return {
    id: organization.id,
    name: organization.name,
    status: organization.status,
    rateLimits: organization.settings.rate_limits,
    updatedAt: organization.updated_at,
  };
}
