import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { userKeys } from '#shared/api/users/keys';
import { loginKeys, normalizeEmail } from '#shared/identity/logins/keys';
import { logIn, type LoginAnswer, type LoginItem } from '#shared/identity/logins/login';
import { countRequest, type RequestLimits } from '#shared/identity/logins/throttle';
import { passwordResetMessage } from '#shared/identity/mail/messages';
import { dashboardUrl } from '#shared/identity/mail/settings';
import { organizationKeys } from '#shared/identity/organizations/keys';
import { hashPassword } from '#shared/identity/passwords/hash';
import { hashResetCode, passwordResetKeys } from '#shared/identity/passwords/keys';
import { passwordProblems } from '#shared/identity/passwords/policy';
import { namesOf, replacePassword } from '#shared/identity/passwords/replace';
import { newResetCode, RESET_CODE, resetCodeMatches, type PasswordResetItem } from '#shared/identity/passwords/reset-code';
import { tableName } from '#shared/platform/config';
import { batchGet, db, isConditionFailure } from '#shared/platform/db';
import { errors, OsmaError } from '#shared/platform/errors';
import { logger } from '#shared/platform/logger';
import { sendMail } from '#shared/platform/mail';

/**
 * A forgotten password: `POST /v1/forgot-password/` mails a code to the login's address, and
 * `POST /v1/confirm-forgot-password/` sets a new password with it and ends every session of
 * the login. Neither answer tells whether an email has a login.
 */

/**
 * Reset mails asked for, counted whether the email has a login or not (so a 429 tells nothing
 * either): 5 an hour for one username (a mailbox cannot be flooded), 50 an hour from one
 * address. Apart from the login counters.
 */
export const RESET_THROTTLE: RequestLimits = { purpose: 'reset', windowSeconds: 60 * 60, perUsername: 5, perSourceIp: 50 };

/**
 * `forgot-password` answers no sooner than this after the request came in, whatever it did:
 * mailing a code (a write and a call to SES, some tens of milliseconds, more on the first
 * mail of a cold function) or nothing (an unknown email). Only a mail slower than this could
 * still be told apart by its time.
 */
export const FORGOT_PASSWORD_ANSWER_MS = 500;

/**
 * Mails a reset code when `username` is the email of a login that can sign in, and does
 * nothing else otherwise; either way it answers the same, at the same time. A failure to
 * store the code or send the mail is logged and answered like a success: its answer must not
 * tell that there was something to send.
 */
export async function requestPasswordReset(username: string, source: { ip: string }): Promise<void> {
  const started = Date.now();
  await countRequest(RESET_THROTTLE, username, source.ip);
  const login = await loginThatCanSignIn(username);
  if (login) {
    try {
      await mailResetCode(login);
    } catch (error) {
      // The error's name only: SES's messages can hold the address.
      logger.error('password reset mail not sent', { login_id: login.login_id, error_name: (error as Error).name });
    }
  }
  await until(started + FORGOT_PASSWORD_ANSWER_MS);
}

/** The login, when its membership is active in an active organization (as a sign-in needs). */
async function loginThatCanSignIn(username: string): Promise<LoginItem | undefined> {
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: loginKeys.byEmail(username), ConsistentRead: true }));
  const login = Item as LoginItem | undefined;
  if (!login) return undefined;
  const userKey = userKeys.key(login.organization_id, login.user_id);
  const organizationKey = organizationKeys.key(login.organization_id);
  const found = await batchGet([userKey, organizationKey]);
  const user = found(userKey);
  const organization = found(organizationKey);
  const canSignIn = user?.status === 'active' && organization !== undefined && (organization.status ?? 'active') === 'active';
  return canSignIn ? login : undefined;
}

/** Stores a new code (replacing any earlier one) and mails its link. */
async function mailResetCode(login: LoginItem): Promise<void> {
  const { code, item } = newResetCode(
    { email: login.email, loginId: login.login_id, userId: login.user_id, organizationId: login.organization_id },
    'reset',
  );
  const message = passwordResetMessage({ dashboardUrl: dashboardUrl(), code, validMinutes: RESET_CODE.validSeconds.reset / 60 });
  await db().send(new PutCommand({ TableName: tableName(), Item: item }));
  await sendMail({ to: login.email, ...message });
}

function until(moment: number): Promise<void> {
  const wait = moment - Date.now();
  return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
}

export interface ConfirmResetInput {
  username: string;
  'confirmation-code': string;
  password: string;
  /** Sign in with the new password right away. */
  login?: boolean;
}

export interface LoginError {
  code: string;
  detail: string;
  status: number;
}

/** `{}`, or with `login: true` the sign-in's answer, or `login-error` when that sign-in failed. */
export type ConfirmResetAnswer = LoginAnswer | { 'login-error'?: LoginError };

/**
 * Sets a new password with a reset code. A username with no login or no code, and a code that
 * is wrong, expired, used or burnt, get the same 400 `invalid_confirmation_code`; a wrong code
 * spends one of the code's tries (RESET_CODE.tries, then it is burnt), and so does the same
 * write, failing, for a username with no code, so the two take the same time. A right code
 * with a password the rules refuse is a 400 naming `/password` and spends nothing.
 *
 * The code is used up, the password set, every session of the login ended and `password.reset`
 * recorded in one transaction (sessions beyond what one transaction holds right after it).
 */
export async function confirmPasswordReset(input: ConfirmResetInput, source: { ip: string; userAgent?: string }): Promise<ConfirmResetAnswer> {
  const email = normalizeEmail(input.username);
  const loginKey = loginKeys.byEmail(email);
  const resetKey = passwordResetKeys.byEmail(email);
  const found = await batchGet([loginKey, resetKey]);
  const login = found(loginKey) as LoginItem | undefined;
  const reset = found(resetKey) as PasswordResetItem | undefined;
  if (!login || !resetCodeMatches(reset, input['confirmation-code']) || reset?.login_id !== login.login_id) {
    await spendTry(email, reset);
    throw errors.invalidConfirmationCode();
  }
  const user = (await db().send(new GetCommand({ TableName: tableName(), Key: userKeys.key(login.organization_id, login.user_id) }))).Item;
  const problems = passwordProblems(input.password, { email: login.email, names: namesOf(user) });
  if (problems.length) throw errors.invalidParams(problems.map((message) => ({ param: 'password', message, in: 'body' })));
  await replacePassword({
    login,
    passwordHash: await hashPassword(input.password),
    sessions: { end: true, reason: 'password_reset' },
    alongside: [
      {
        // Used once: of two requests racing with the same code, one sets the password.
        item: {
          Delete: {
            TableName: tableName(),
            Key: resetKey,
            ConditionExpression: 'code_hash = :code AND tries_left > :none AND expires_at > :now',
            ExpressionAttributeValues: { ':code': reset.code_hash, ':none': 0, ':now': Math.floor(Date.now() / 1000) },
          },
        },
        refusal: () => errors.invalidConfirmationCode(),
      },
    ],
    audit: (sessionsEnded) => ({
      organizationId: login.organization_id,
      action: 'password.reset',
      actor: { type: 'user', id: login.user_id },
      target: { type: 'user', id: login.user_id },
      ip: source.ip,
      userAgent: source.userAgent,
      data: { purpose: reset.purpose, sessions_ended: sessionsEnded },
    }),
  });
  return input.login ? signInAfterReset(login.email, input.password, source) : {};
}

/**
 * One wrong try against the login's code: its tries go down by one, and with none left it is
 * burnt (refused until a new one is asked for). The write is sent also when there is no code,
 * and then fails its condition, so a username with a code takes the time of one without.
 */
async function spendTry(email: string, reset: PasswordResetItem | undefined): Promise<void> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: passwordResetKeys.byEmail(email),
        UpdateExpression: 'SET tries_left = tries_left - :one',
        // Only the code that was read: a new one asked for meanwhile keeps all its tries.
        ConditionExpression: 'code_hash = :code AND tries_left > :none',
        ExpressionAttributeValues: { ':one': 1, ':none': 0, ':code': reset?.code_hash ?? hashResetCode('') },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/** The seed's optional sign-in after a reset: the sign-in's answer, or why it failed (a TOTP code is needed, a throttle). */
async function signInAfterReset(email: string, password: string, source: { ip: string; userAgent?: string }): Promise<ConfirmResetAnswer> {
  try {
    return await logIn({ username: email, password }, source);
  } catch (error) {
    if (!(error instanceof OsmaError)) throw error;
    return { 'login-error': { code: error.code ?? 'login_failed', detail: error.message, status: error.status } };
  }
}
