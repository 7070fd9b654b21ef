import * as z from 'zod';
import { publicStatus } from '#shared/identity/api-keys/api-key';
import { listApiKeys } from '#shared/identity/api-keys/manage';
import { API_KEY_STATUSES, MAX_ROLL_GRACE_SECONDS, type ApiKeyRecord, type ApiKeyStatus } from '#shared/identity/api-keys/schemas';
import type { Mode } from '#shared/platform/table';

/** The management API's `api-keys` resource. Never the key itself, but in the answer that makes it (`secret`). */
export const API_KEY_TYPE = 'api-keys';

const MODES = ['test', 'live'] as const;

const NAME_MESSAGE = 'name must be 1 to 100 characters, with no control characters';
const CONTROL_CHARACTERS = /\p{Cc}/u;

export const apiKeyName = z
  .string({ error: NAME_MESSAGE })
  .trim()
  .min(1, { error: NAME_MESSAGE })
  .max(100, { error: NAME_MESSAGE })
  .refine((text) => !CONTROL_CHARACTERS.test(text), { error: NAME_MESSAGE })
  .meta({ description: 'What people call the key.', example: 'Billing service' });

export const apiKeyAttributes = z.object({
  name: z.string().nullable(),
  mode: z.enum(MODES),
  'redacted-key': z.string().meta({ description: 'The prefix and the last four characters: enough to recognize the key.', example: 'sk_test_...x7Jq' }),
  status: z.enum(API_KEY_STATUSES).meta({
    description: '`active`; `expiring` (rolled with a grace period, working until `expires-time`); `expired`; `revoked`.',
  }),
  'created-by': z.string().nullable().meta({ description: 'The user who made it; null for a key the platform made.' }),
  'created-time': z.string(),
  'last-used-time': z
    .string()
    .nullable()
    .meta({ description: 'When the public API last accepted it, to within a minute (or the authorizer cache period, if longer).' }),
  'expires-time': z.string().nullable().meta({ description: 'When an expiring key stops working.' }),
  'revoked-time': z.string().nullable(),
  'rolled-from': z.string().nullable().meta({ description: 'The key this one replaced by a roll.' }),
  'rolled-to': z.string().nullable().meta({ description: 'The key that replaced this one by a roll.' }),
});

export const apiKeyWithSecretAttributes = apiKeyAttributes.extend({
  secret: z.string().meta({ description: 'The key itself: shown in this answer only, never again. Keep it safe.' }),
});

const password = z.string().min(1).max(255).meta({ description: 'Your password: a wrong one counts as a failed sign-in.' });
const totpCode = z
  .string()
  .min(1)
  .max(20)
  .meta({ description: 'Instead of the password, when you have TOTP enabled: the code your app shows now.' });

/** Step-up for a live key, in JSON:API's `meta` beside the resource. */
export const apiKeyCreateBody = z
  .strictObject({
    data: z.strictObject({
      type: z.literal(API_KEY_TYPE, { error: `data.type must be ${API_KEY_TYPE}` }),
      attributes: z.strictObject({
        mode: z.enum(MODES, { error: 'mode must be test or live' }),
        name: apiKeyName.nullish(),
      }),
    }),
    meta: z
      .strictObject({ password: password.optional(), 'totp-code': totpCode.optional() })
      .optional()
      .meta({ description: 'For a live key: your password, or a TOTP code.' }),
  })
  .meta({ id: 'ApiKeyCreateRequest' });

export const apiKeyPatch = z.strictObject({ name: apiKeyName.nullish() });

const GRACE_MESSAGE = `expires-in-seconds must be an integer from 0 to ${MAX_ROLL_GRACE_SECONDS} (7 days)`;

/** An action's flat body, as `/v1/mfa-totp/{id}/enable/` takes one. */
export const apiKeyRollBody = z
  .strictObject({
    'expires-in-seconds': z
      .number({ error: GRACE_MESSAGE })
      .int({ error: GRACE_MESSAGE })
      .min(0, { error: GRACE_MESSAGE })
      .max(MAX_ROLL_GRACE_SECONDS, { error: GRACE_MESSAGE })
      .meta({ description: 'How long the old key keeps working: 0 revokes it at once.', example: 3600 }),
    password: password.optional(),
    'totp-code': totpCode.optional(),
  })
  .meta({ id: 'ApiKeyRollRequest', description: 'For a live key, also your password or a TOTP code.' });

export const apiKeyListQuery = {
  'filter[mode]': z.enum(MODES, { error: 'filter[mode] must be test or live' }).optional(),
  'filter[status]': z.enum(API_KEY_STATUSES, { error: `filter[status] must be one of: ${API_KEY_STATUSES.join(', ')}` }).optional(),
};

export function apiKeyResource(record: ApiKeyRecord, now: number = Date.now()) {
  return {
    type: API_KEY_TYPE,
    id: record.id,
    attributes: {
      name: record.name,
      mode: record.mode,
      'redacted-key': record.redacted,
      status: publicStatus(record, now),
      'created-by': record.created_by,
      'created-time': record.created_at,
      'last-used-time': record.last_used_at,
      'expires-time': record.expires_at,
      'revoked-time': record.revoked_at,
      'rolled-from': record.rolled_from,
      'rolled-to': record.rolled_to,
    },
  };
}

/** The one answer of a key that carries the key itself. */
export function apiKeySecretResource(record: ApiKeyRecord, secret: string) {
  const resource = apiKeyResource(record);
  return { ...resource, attributes: { ...resource.attributes, secret } };
}

export interface ApiKeyListQuery {
  'filter[mode]'?: Mode;
  'filter[status]'?: ApiKeyStatus;
  'page[limit]': number;
  'page[offset]': number;
}

/** `GET /v1/api-keys/`: a page of the organization's keys, with a link to the next while there is one. */
export async function apiKeyList(organizationId: string, query: ApiKeyListQuery) {
  const { 'page[limit]': limit, 'page[offset]': offset } = query;
  const filter = { mode: query['filter[mode]'], status: query['filter[status]'] };
  const listed = await listApiKeys(organizationId, filter, { limit, offset });
  const next = new URLSearchParams();
  if (filter.mode) next.set('filter[mode]', filter.mode);
  if (filter.status) next.set('filter[status]', filter.status);
  next.set('page[limit]', String(limit));
  next.set('page[offset]', String(offset + limit));
  return {
    data: listed.records.map((record) => apiKeyResource(record)),
    meta: { page: { limit, offset, total: listed.total } },
    links: offset + limit < listed.total ? { next: `/v1/api-keys/?${next}` } : {},
  };
}
