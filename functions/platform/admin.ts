import { optionalDashboardUrl } from '#shared/identity/mail/settings';
import { runAdminCommand, type AdminAnswer } from '#shared/identity/platform/commands';
import { logger } from '#shared/platform/logger';
import { canSendMail, sendMail } from '#shared/platform/mail';

/**
 * The platform function: the platform team's commands (create, suspend and reactivate an
 * organization, set its rate limits), invoked with IAM credentials only (`npm run admin`, or
 * `aws lambda invoke`); no API route, no function URL, no resource policy. The event is the
 * command, the answer its JSON (shared/identity/platform/commands.ts). The answer carries the
 * owner's password-setup code for whoever invoked it; the log line never does.
 */
export async function handler(event: unknown): Promise<AdminAnswer> {
  const answer = await runAdminCommand(event, { dashboardUrl: optionalDashboardUrl(), sendMail: canSendMail() ? sendMail : undefined });
  logger.info('platform command', {
    command: typeof event === 'object' && event !== null ? String((event as { command?: unknown }).command) : undefined,
    ...('error' in answer ? { refused: answer.error.status } : { organization_id: answer.organization.id }),
  });
  return answer;
}
