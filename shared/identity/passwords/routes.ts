import * as z from 'zod';
import { idPath } from '#shared/http/jsonapi';
import { routeTable } from '#shared/http/route';
import { RESET_CODE } from '#shared/identity/passwords/reset-code';
import { STRENGTH_LABELS } from '#shared/identity/passwords/strength-labels';
import { loginAnswer } from '#shared/identity/sessions/routes';

const username = z.string().min(1).max(255).meta({ description: 'The email you sign in with.' });

/** As a password is sent to the login, at most 255 characters (the rules then count code points). */
const password = (description: string) => z.string().min(1).max(255).meta({ description });

const nothing = z.strictObject({}).meta({ id: 'EmptyAnswer' });

export const forgotPasswordBody = z.strictObject({ username }).meta({ id: 'ForgotPasswordRequest' });

export const confirmForgotPasswordBody = z
  .strictObject({
    username,
    'confirmation-code': z
      .string()
      .min(1)
      .max(20)
      .meta({ description: `The code of the reset link: ${RESET_CODE.characters} characters, in any case, spaces and hyphens ignored.` }),
    password: password('The new password: at least 10 characters, not a common password, not your email or name.'),
    login: z.boolean().optional().meta({ description: 'Also sign in with the new password, and answer as `/v1/login/` does. False when not given.' }),
    source: z.literal('email').optional().meta({ description: 'Where the code was sent: always `email`.' }),
  })
  .meta({ id: 'ConfirmForgotPasswordRequest' });

const loginError = z
  .object({ code: z.string(), detail: z.string(), status: z.number().int() })
  .meta({ id: 'LoginError', description: 'Why the sign-in asked for with `login` failed; the password is set all the same.' });

export const confirmForgotPasswordAnswer = z
  .union([loginAnswer, z.strictObject({ 'login-error': loginError.optional() })])
  .meta({ id: 'ConfirmForgotPasswordAnswer' });

export const changePasswordBody = z
  .strictObject({
    'old-password': password('Your password now: a wrong one counts as a failed sign-in.'),
    'new-password': password('The new password: at least 10 characters, not a common password, not your email or name.'),
    'maintain-active-sessions': z
      .boolean()
      .optional()
      .meta({ description: 'Keep your other sessions. False when not given: every session but this one ends.' }),
  })
  .meta({ id: 'ChangePasswordRequest' });

export const passwordStrengthBody = z
  .strictObject({
    password: password('The password to rate; it is not kept or logged.'),
    'check-pwned': z
      .boolean()
      .optional()
      .meta({ description: 'Accepted and changes nothing: a password never leaves the service, so `pwned.times` is always null.' }),
  })
  .meta({ id: 'PasswordStrengthRequest' });

export const passwordStrengthAnswer = z
  .object({
    strength: z.object({
      value: z.number().int().min(0).max(4).meta({ description: 'From 0 (very weak) to 4 (very strong): an estimate of how many guesses it takes.' }),
      label: z.enum(STRENGTH_LABELS),
    }),
    suggestions: z.array(z.string()).meta({ description: 'The rules it breaks first (they refuse it), then advice.' }),
    pwned: z.object({
      times: z.null().meta({ description: 'Always null: not checked against online breach data.' }),
      message: z.string(),
    }),
  })
  .meta({ id: 'PasswordStrengthAnswer' });

export const passwordRoutes = routeTable(
  { functions: 'identity/passwords', tag: 'Passwords', auth: 'none' },
  {
    forgotPassword: {
      method: 'POST',
      path: '/v1/forgot-password/',
      handler: 'forgot',
      sendsMail: true,
      summary: 'Ask for a password-reset link by mail; the answer is the same whether or not the email has a login',
      request: { body: forgotPasswordBody },
      success: { status: 201, description: 'Asked. When the email has a login that can sign in, a link valid for an hour is on its way.', schema: nothing },
      errors: [429],
    },
    confirmForgotPassword: {
      method: 'POST',
      path: '/v1/confirm-forgot-password/',
      handler: 'confirm',
      summary: 'Set a new password with the code of a reset link; every session of the login ends',
      request: { body: confirmForgotPasswordBody },
      success: {
        status: 201,
        description: 'The password is set. With `login`, the new session as `/v1/login/` answers it, or `login-error`.',
        schema: confirmForgotPasswordAnswer,
      },
      errors: [409],
    },
    changePassword: {
      method: 'POST',
      path: '/v1/users/{id}/change-password/',
      handler: 'change',
      permission: 'self',
      auth: 'session',
      summary: 'Change your own password; your other sessions end unless maintain-active-sessions',
      request: { path: idPath, body: changePasswordBody },
      success: { status: 201, description: 'The password is changed.', schema: nothing },
      errors: [403, 404, 409, 429],
    },
    passwordStrength: {
      method: 'POST',
      path: '/v1/password-strength/',
      handler: 'strength',
      tableAccess: 'none',
      summary: 'Rate a password and say what would make it better (nothing is kept or sent out)',
      request: { body: passwordStrengthBody },
      success: { status: 201, description: 'The estimate.', schema: passwordStrengthAnswer },
    },
  },
);
