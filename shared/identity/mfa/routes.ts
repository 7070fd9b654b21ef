import * as z from 'zod';
import { idPath, listDocument, pageQuery, resourceDocument } from '#shared/http/jsonapi';
import { routeTable } from '#shared/http/route';
import { MFA_TOTP_TYPE, mfaTotpAttributes, mfaTotpSetupAttributes } from '#shared/identity/mfa/resource';

const password = z.string().min(1).max(255).meta({ description: 'Your password: a wrong one counts as a failed sign-in.' });

/** The seed sends `{}`; a JSON:API client sends the resource with no attributes. Both start a setup. */
export const setupBody = z
  .strictObject({
    data: z
      .strictObject({
        type: z.literal(MFA_TOTP_TYPE, { error: `data.type must be ${MFA_TOTP_TYPE}` }),
        attributes: z.strictObject({}).optional(),
      })
      .optional(),
    meta: z.object({}).loose().optional(),
  })
  .meta({ id: 'MfaTotpSetupRequest', description: '`{}`, or `{"data": {"type": "mfa-totp", "attributes": {}}}`.' });

export const enableBody = z
  .strictObject({
    codes: z
      .array(z.string().max(255), { error: 'codes must be a list of two codes' })
      .length(2, { error: 'codes must hold exactly two consecutive codes, the earlier first' })
      .meta({ description: 'Two consecutive codes of your authenticator app, the earlier first.' }),
    password,
  })
  .meta({ id: 'MfaTotpEnableRequest' });

export const disableBody = z.strictObject({ password }).meta({ id: 'MfaTotpDisableRequest' });

export const mfaTotpRoutes = routeTable(
  { functions: 'identity/mfa-totp', tag: 'MFA', auth: 'session' },
  {
    listMfaTotp: {
      method: 'GET',
      path: '/v1/mfa-totp/',
      handler: 'list',
      permission: 'self',
      summary: 'List your TOTP configurations (an owner or admin may name a member of the organization); never their secrets',
      request: {
        query: z.strictObject({
          'filter[user-id]': z
            .string()
            .max(255)
            .optional()
            .meta({ description: 'Whose configurations: yours when not given; another member needs the owner or admin role.' }),
          ...pageQuery,
        }),
      },
      success: { status: 200, description: 'The configurations, newest first.', schema: listDocument(MFA_TOTP_TYPE, mfaTotpAttributes) },
      errors: [403],
    },
    startMfaTotpSetup: {
      method: 'POST',
      path: '/v1/mfa-totp/',
      handler: 'create',
      permission: 'self',
      summary: 'Start setting up TOTP: a pending configuration, with its secret shown only in this answer',
      request: { body: setupBody },
      success: {
        status: 201,
        description: 'The pending configuration and its secret; enable it with two codes within 24 hours.',
        schema: resourceDocument(MFA_TOTP_TYPE, mfaTotpSetupAttributes),
      },
    },
    enableMfaTotp: {
      method: 'POST',
      path: '/v1/mfa-totp/{id}/enable/',
      handler: 'enable',
      permission: 'self',
      summary: 'Enable a TOTP configuration with two consecutive codes and your password',
      request: { path: idPath, body: enableBody },
      success: {
        status: 201,
        description: 'The configuration, enabled: from now on sign-in needs a code.',
        schema: resourceDocument(MFA_TOTP_TYPE, mfaTotpAttributes),
      },
      errors: [403, 404, 409, 429],
    },
    disableMfaTotp: {
      method: 'POST',
      path: '/v1/mfa-totp/{id}/disable/',
      handler: 'disable',
      permission: 'self',
      summary: 'Disable the enabled TOTP configuration with your password',
      request: { path: idPath, body: disableBody },
      success: {
        status: 201,
        description: 'The configuration, disabled: sign-in no longer asks for a code.',
        schema: resourceDocument(MFA_TOTP_TYPE, mfaTotpAttributes),
      },
      errors: [403, 404, 409, 429],
    },
    deleteMfaTotp: {
      method: 'DELETE',
      path: '/v1/mfa-totp/{id}/',
      handler: 'delete',
      permission: 'self',
      summary: 'Delete a TOTP configuration that is not enabled',
      request: { path: idPath },
      success: { status: 204, description: 'Deleted.', schema: z.null() },
      errors: [404, 409],
    },
  },
);
