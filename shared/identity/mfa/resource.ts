import * as z from 'zod';
import { totpAttributes, type TotpConfig, type TotpSecretReveal } from '#shared/identity/mfa/totp-config';

/**
 * The management API's `mfa-totp` resource: the seed's attributes (plus `state`). The seed
 * answers `secret` everywhere, lists included; here it is only in the answer that starts a
 * setup, the one moment the secret leaves the table.
 */
export const MFA_TOTP_TYPE = 'mfa-totp';

export const mfaTotpAttributes = z.object({
  'created-at': z.string(),
  enabled: z.boolean(),
  'enabled-at': z.string().nullable().meta({ description: 'When it was last enabled.' }),
  'last-used': z.string().nullable().meta({ description: 'When a code of it was last accepted (enabling counts).' }),
  state: z.enum(['pending', 'enabled', 'disabled']).meta({
    description: 'pending until enabled (a pending setup expires after 24 hours), then enabled or disabled.',
  }),
  'user-id': z.string(),
});

export const mfaTotpSecret = z
  .object({
    'provisioning-qrcode': z.object({
      'contents-base64': z.string().meta({ description: 'A PNG of the provisioning URI as a QR code, base64.' }),
      height: z.number().int(),
      width: z.number().int(),
      mimetype: z.literal('image/png'),
    }),
    'provisioning-uri': z.string().meta({ description: 'The otpauth:// URI an authenticator app reads.' }),
    'shared-secret-key': z.string().meta({ description: 'The shared secret in base32, for typing into an app.' }),
  })
  .meta({ description: 'Shown once, in this answer: no other answer carries it.' });

export const mfaTotpSetupAttributes = mfaTotpAttributes.extend({ secret: mfaTotpSecret });

export function mfaTotpResource(config: TotpConfig, userId: string) {
  return { type: MFA_TOTP_TYPE, id: config.id, attributes: totpAttributes(config, userId) };
}

export function mfaTotpSetupResource(config: TotpConfig, userId: string, secret: TotpSecretReveal) {
  return { type: MFA_TOTP_TYPE, id: config.id, attributes: { ...totpAttributes(config, userId), secret } };
}
