import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readStackInfo } from '#local/stack-info';
import type { AdminAnswer } from '#shared/identity/platform/commands';
import { platformFunctionName } from '#shared/identity/platform/function-name';

/**
 * `npm run admin -- <command> [options]`: the platform team's commands (docs/deploy.md, "The
 * first organization"). With `--local` the command runs in this process against the local
 * stack that `npm start` runs on this machine, found through its data dir; otherwise it invokes
 * the stage's platform function with the caller's AWS credentials, through the AWS CLI (the
 * project ships no Lambda client). Either way the command is the same JSON and is checked by
 * the same code (shared/identity/platform/commands.ts).
 */
const USAGE = `Usage: npm run admin -- <command> [options]

Commands:
  create-organization      --name <name> --owner-email <email> [--owner-first-name <name>] [--owner-last-name <name>]
  suspend-organization     --organization-id <org_...>
  reactivate-organization  --organization-id <org_...>
  set-rate-limits          --organization-id <org_...> [--test <requests/s>] [--live <requests/s>]

Where it runs:
  --local                  against the local stack running on this machine (npm start)
  --data-dir <dir>         that stack's data dir (default: OSMA_DATA_DIR, else .data)
  --stage <stage>          otherwise: the deployed stage whose platform function is invoked (default dev),
                           with your AWS credentials, through the AWS CLI
  --function-name <name>   invoke this function instead of osma-platform-admin-<stage>
  --region <region>        the stage's region (default: your AWS CLI's)
  --json                   print the answer as JSON only
`;

const OPTIONS = {
  name: { type: 'string' },
  'owner-email': { type: 'string' },
  'owner-first-name': { type: 'string' },
  'owner-last-name': { type: 'string' },
  'organization-id': { type: 'string' },
  test: { type: 'string' },
  live: { type: 'string' },
  local: { type: 'boolean' },
  'data-dir': { type: 'string' },
  stage: { type: 'string' },
  'function-name': { type: 'string' },
  region: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `One command at a time; got ${positionals.join(' ')}` : 'Name a command');
  const command = commandOf(positionals[0]!, values);
  const answer = values.local ? await runLocally(command, values) : invokeDeployed(command, values);
  if (answer === undefined) return 2;
  process.stdout.write(values.json ? `${JSON.stringify(answer, null, 2)}\n` : describe(answer));
  return 'error' in answer ? 1 : 0;
}

/** The command's JSON from the flags; what each command takes is checked by the command itself. */
function commandOf(command: string, values: Values): Record<string, unknown> {
  const number = (text: string | undefined) => (text === undefined ? undefined : Number(text));
  const fields: Record<string, Record<string, unknown>> = {
    'create-organization': {
      name: values.name,
      ownerEmail: values['owner-email'],
      ownerFirstName: values['owner-first-name'],
      ownerLastName: values['owner-last-name'],
    },
    'suspend-organization': { organizationId: values['organization-id'] },
    'reactivate-organization': { organizationId: values['organization-id'] },
    'set-rate-limits': { organizationId: values['organization-id'], test: number(values.test), live: number(values.live) },
  };
  if (!fields[command]) throw new UsageError(`Unknown command: ${command}`);
  const defined = Object.entries(fields[command]!).filter(([, value]) => value !== undefined);
  return { command, ...Object.fromEntries(defined) };
}

/**
 * In this process, against the running local stack's DynamoDB Local, with the stack's dashboard
 * URL for the link, and the owner's mail kept in the stack's outbox (`GET /_local/mail`).
 */
async function runLocally(command: Record<string, unknown>, values: Values): Promise<AdminAnswer> {
  const dataDir = resolve(values['data-dir'] ?? process.env.OSMA_DATA_DIR ?? '.data');
  const stack = readStackInfo(dataDir);
  Object.assign(process.env, {
    AWS_REGION: stack.region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: stack.dynamoDbEndpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    OSMA_TABLE_NAME: stack.tableName,
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'ERROR',
  });
  // Loaded only now: the domain reads its settings from the environment just set.
  const { runAdminCommand } = await import('#shared/identity/platform/commands');
  const { keepInOutbox } = await import('#shared/platform/mail');
  return runAdminCommand(command, {
    dashboardUrl: stack.dashboardUrl,
    sendMail: async (message) => keepInOutbox(stack.mailDir, message),
  });
}

/**
 * Invokes the stage's platform function with `aws lambda invoke`, which signs with the caller's
 * credentials. Without the AWS CLI, prints the command to run and answers undefined.
 */
function invokeDeployed(command: Record<string, unknown>, values: Values): AdminAnswer | undefined {
  const functionName = values['function-name'] ?? platformFunctionName(values.stage ?? 'dev');
  const dir = mkdtempSync(join(tmpdir(), 'osma-admin-'));
  const payloadFile = join(dir, 'command.json');
  const answerFile = join(dir, 'answer.json');
  writeFileSync(payloadFile, JSON.stringify(command));
  const target = ['--function-name', functionName, ...(values.region ? ['--region', values.region] : [])];
  // fileb:// hands the bytes over as they are, in version 1 of the AWS CLI as in version 2.
  const args = ['lambda', 'invoke', ...target, '--payload', `fileb://${payloadFile}`, answerFile];
  try {
    const result = spawnSync('aws', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
      const shown = [...target, '--cli-binary-format', 'raw-in-base64-out', '--payload', JSON.stringify(command)].map(shellQuoted).join(' ');
      process.stderr.write(`The AWS CLI (aws) is not installed. Run this with your AWS credentials, and read answer.json:\n\n  aws lambda invoke ${shown} answer.json\n\n`);
      return undefined;
    }
    if (result.error) throw result.error;
    if (result.status !== 0) throw new Error(`aws lambda invoke failed (exit ${result.status}): is ${functionName} deployed, and may you invoke it?`);
    const invocation = JSON.parse(result.stdout) as { StatusCode?: number; FunctionError?: string };
    const answer = JSON.parse(readFileSync(answerFile, 'utf8')) as AdminAnswer & { errorMessage?: string };
    if (invocation.FunctionError) throw new Error(`${functionName} failed: ${answer.errorMessage ?? invocation.FunctionError}`);
    return answer;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function shellQuoted(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The answer for a person. */
function describe(answer: AdminAnswer): string {
  if ('error' in answer) {
    const params = (answer.error.params ?? []).map((param) => `  ${param.param}: ${param.message}`);
    return [`Refused (${answer.error.status}): ${answer.error.message}`, ...params, ''].join('\n');
  }
  const { organization } = answer;
  const lines = [
    `organization   ${organization.id}  ${JSON.stringify(organization.name)}  ${organization.status}`,
    `rate limits    test ${organization.rateLimits.test}/s, live ${organization.rateLimits.live}/s per endpoint`,
  ];
  if ('changed' in answer && !answer.changed) lines.push('               (it was so already: nothing changed)');
  if ('owner' in answer) {
    const { passwordSetup, mail } = answer;
    lines.push(
      `owner          ${answer.owner.email}  ${answer.owner.userId}  (no password yet)`,
      passwordSetup.link
        ? `password link  ${passwordSetup.link}`
        : `password code  ${passwordSetup.code}  (no dashboard URL: confirm-forgot-password takes it)`,
      `               works once, until ${passwordSetup.expiresAt}`,
      mail.sent ? `mail           sent to ${answer.owner.email} (${mail.id})` : `mail           not sent: ${mail.reason}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n${error instanceof UsageError ? `\n${USAGE}` : ''}`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
