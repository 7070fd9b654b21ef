import * as z from 'zod';
import { isBuiltInRole } from '#shared/identity/roles/keys';
import { STATES, SUB_STATE, type State } from '#shared/identity/users/lifecycle';
import { QUERY_LIMITS } from '#shared/identity/users/query';
import { userAttributes } from '#shared/identity/users/resource';
import { errors } from '#shared/platform/errors';
import { isId } from '#shared/platform/ids';

/**
 * What the users routes take, each attribute with its own rule (docs/people.md lists them):
 * every invalid attribute is its own error naming it. Pure: no store, no clock.
 */

/** A name, designation or other short text: trimmed, no control characters. */
const shortText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((text) => !/\p{Cc}/u.test(text), { error: 'must not hold control characters' });

export const NAME_MAX = 100;

/**
 * An external reference: what the organization's own systems call the person (OS1's unique
 * code). It is a key (the ref lock item), a path segment (`/v1/users/ref:<ref>/`) and an entry
 * of a comma-separated list (the bulk lookups), so it takes only characters that none of them
 * needs to escape.
 */
export const EXTERNAL_REF = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,99}$/;
export const externalRefSchema = z
  .string()
  .regex(EXTERNAL_REF, { error: 'external-ref must be 1 to 100 letters, digits or _ . : @ -, starting with a letter or digit' })
  .meta({ description: 'Unique in the organization; `ref:<external-ref>` finds the person.', example: 'EMP-0042' });

/** E.164: a plus, then up to 15 digits, the first not 0. */
export const phoneSchema = z
  .string()
  .regex(/^\+[1-9]\d{1,14}$/, { error: 'phone must be an E.164 number such as +14155550100' })
  .meta({ example: '+14155550100' });

/** A BCP 47 language tag, stored as Intl canonicalizes it (`EN-us` -> `en-US`). */
export const localeSchema = z
  .string()
  .max(35)
  .transform((text, ctx) => {
    try {
      const [canonical] = Intl.getCanonicalLocales(text);
      if (canonical) return canonical;
    } catch {
      // RangeError: not a language tag
    }
    ctx.addIssue({ code: 'custom', message: 'locale must be a BCP 47 language tag such as en-US' });
    return z.NEVER;
  })
  .meta({ example: 'en-US' });

export const CATEGORIES = ['regular', 'adhoc'] as const;
export const EMPLOYMENT_TYPES = ['full-time', 'part-time', 'contract-adhoc', 'n/a'] as const;
export const IDENTIFICATIONS = ['drivers-license', 'passport', 'pan-card', 'aadhar-card', 'voter-id'] as const;
export const WORK_LOCATIONS_MAX = 20;

/** A mobile: a country calling code (stored with its `+`) and 4 to 10 digits. */
export const mobileSchema = z
  .strictObject({
    'country-code': z
      .string()
      .regex(/^\+?[1-9]\d{0,3}$/, { error: 'country-code must be a calling code of 1 to 4 digits, with or without +, such as +91' })
      .transform((code) => (code.startsWith('+') ? code : `+${code}`)),
    number: z.string().regex(/^\d{4,10}$/, { error: 'number must be 4 to 10 digits' }),
  })
  .meta({ id: 'UserMobile' });

export const ATTRIBUTE_LIMITS = { keys: 50, keyLength: 50, valueLength: 500 } as const;

/**
 * Custom fields as a PATCH sends them: merged into what is stored; a null or empty value
 * removes its key (as Osma metadata). The limits are checked again on the merged result.
 */
export const attributesPatch = z
  .record(
    z.string(),
    z
      .string({ error: 'each custom attribute must be a string, or null to remove it' })
      .max(ATTRIBUTE_LIMITS.valueLength, { error: `each custom attribute can be at most ${ATTRIBUTE_LIMITS.valueLength} characters` })
      .nullable(),
  )
  .superRefine((attributes, ctx) => {
    for (const problem of attributeKeyProblems(Object.keys(attributes))) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({
    description: `Custom fields, merged into the stored ones: at most ${ATTRIBUTE_LIMITS.keys} keys of up to ${ATTRIBUTE_LIMITS.keyLength} characters, string values of up to ${ATTRIBUTE_LIMITS.valueLength}. A null or empty value removes its key; null for the whole object removes them all.`,
  });

/** What is wrong with a set of custom attribute keys (empty when nothing is). */
export function attributeKeyProblems(keys: string[]): string[] {
  const problems: string[] = [];
  if (keys.length > ATTRIBUTE_LIMITS.keys) problems.push(`attributes can have at most ${ATTRIBUTE_LIMITS.keys} keys, not ${keys.length}`);
  if (keys.some((key) => key.trim() === '')) problems.push('attributes keys must not be empty or blank');
  const long = keys.find((key) => key.length > ATTRIBUTE_LIMITS.keyLength);
  if (long !== undefined) problems.push(`attributes keys can be at most ${ATTRIBUTE_LIMITS.keyLength} characters: one has ${long.length}`);
  return problems;
}

/** An attribute no PATCH changes, with where it is changed instead. */
const notHere = (message: string) => z.never({ error: message }).optional();

/** What a PATCH may send: each optional; null clears an optional attribute. */
export const userPatch = z.strictObject({
  'first-name': shortText(NAME_MAX).meta({ description: 'Required on every user: it cannot be cleared.' }).optional(),
  'middle-name': shortText(NAME_MAX).nullable().optional(),
  'last-name': shortText(NAME_MAX).nullable().optional(),
  phone: phoneSchema.nullable().optional(),
  locale: localeSchema.nullable().optional(),
  'external-ref': externalRefSchema.nullable().optional(),
  designation: shortText(100).nullable().optional(),
  category: z.enum(CATEGORIES).nullable().optional(),
  'employment-type': z.enum(EMPLOYMENT_TYPES).nullable().optional(),
  'primary-mobile': mobileSchema.nullable().optional(),
  'secondary-mobile': mobileSchema.nullable().optional(),
  'work-locations': z
    .array(shortText(200), { error: 'work-locations must be a list of strings' })
    .max(WORK_LOCATIONS_MAX, { error: `work-locations can hold at most ${WORK_LOCATIONS_MAX} locations` })
    .nullable()
    .optional(),
  manager: z
    .string()
    .refine((id) => isId('user', id), { error: 'manager must be the id of a user of the organization (usr_...)' })
    .nullable()
    .optional(),
  identification: z.enum(IDENTIFICATIONS).nullable().optional(),
  'sub-function': shortText(100).nullable().optional(),
  'file-id': z
    .string()
    .refine((id) => isId('file', id), { error: 'file-id must be the id of a file of the organization (file_...)' })
    .nullable()
    .optional(),
  attributes: attributesPatch.nullable().optional(),
  email: notHere('email cannot be changed: it is the person\'s sign-in; invite the new address instead'),
  state: notHere('state is changed with POST /v1/users/{id}/state-transitions/'),
  enabled: notHere('enabled is changed with POST /v1/users/{id}/enable/ and /disable/'),
  roles: notHere('roles are changed with POST /v1/role-users/ and POST /v1/roles/{id}/remove-user/'),
});
export type UserPatch = z.output<typeof userPatch>;

/** What a person without users.manage may change, and only on themselves. */
export const SELF_EDITABLE: readonly (keyof UserPatch)[] = ['first-name', 'middle-name', 'last-name', 'phone', 'locale'];

/** The path's `{id}`: a user id or `ref:<external-ref>`. */
export const userIdPath = z.strictObject({
  id: z.string().max(2_048).meta({ description: 'A user id (`usr_...`) or `ref:<external-ref>`.' }),
});

export type UserReference = { kind: 'id'; id: string } | { kind: 'ref'; ref: string };

/** `usr_...` or `ref:<external-ref>`; undefined when it is neither (then nothing can match it). */
export function parseUserReference(text: string): UserReference | undefined {
  if (isId('user', text)) return { kind: 'id', id: text };
  if (text.startsWith('ref:') && EXTERNAL_REF.test(text.slice(4))) return { kind: 'ref', ref: text.slice(4) };
  return undefined;
}

// Listing.

export const SORT_KEYS = ['email', 'first-name', 'id', 'last-name'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export const SORT_BY = [...SORT_KEYS, ...SORT_KEYS.map((key) => `-${key}` as const)] as const;

/** Attribute names `select` may name: every attribute of the resource, and `id`. */
export const SELECTABLE = ['id', ...Object.keys(userAttributes.shape)] as const;

export interface StateFilter {
  state: State;
  subState?: string;
}

/** `active` or `active:available`; undefined when it is neither. */
export function parseStateFilter(text: string): StateFilter | undefined {
  const [state, subState, ...rest] = text.split(':');
  if (rest.length || !STATES.includes(state as State)) return undefined;
  if (subState === undefined) return { state: state as State };
  return SUB_STATE.test(subState) ? { state: state as State, subState } : undefined;
}

/** A role id as roles are named: a built-in role or a custom `role_...`. */
export function isRoleId(text: string): boolean {
  return isBuiltInRole(text) || isId('role', text);
}

export const listUsersQuery = z.strictObject({
  'filter[state]': z
    .string()
    .max(60)
    .transform((text, ctx) => parseStateFilter(text) ?? (ctx.addIssue({ code: 'custom', message: 'filter[state] must be a state (onboarding, active, deboarding, inactive) or state:sub-state' }), z.NEVER))
    .optional()
    .meta({ description: 'A state, or `state:sub-state`.', example: 'active' }),
  'filter[role-id]': z
    .string()
    .refine(isRoleId, { error: 'filter[role-id] must be a built-in role (owner, admin, developer, viewer) or a role id (role_...)' })
    .optional()
    .meta({ description: 'People holding this role.' }),
  'filter[email]': z.string().min(1).max(255).optional().meta({ description: 'The person with this email (case-insensitive).' }),
  text: z.string().min(1).max(255).optional().meta({ description: 'Case-insensitive substring of a name (first, middle, last, full) or the email.' }),
  'sort-by': z.enum(SORT_BY).optional().meta({ description: 'One key, `-` for descending. Default `-id` (newest first).' }),
  select: z
    .string()
    .max(2_000)
    .transform((text, ctx) => {
      const names = [...new Set(text.split(',').map((name) => name.trim()).filter(Boolean))];
      const unknown = names.filter((name) => !(SELECTABLE as readonly string[]).includes(name));
      if (unknown.length) {
        ctx.addIssue({ code: 'custom', message: `select names unknown attributes: ${unknown.join(', ')}. Known: ${SELECTABLE.join(', ')}` });
        return z.NEVER;
      }
      return names;
    })
    .optional()
    .meta({ description: 'Comma-separated attribute names to answer with; `id` always comes.', example: 'email,first-name,state' }),
  query: z
    .string()
    .min(1)
    .max(QUERY_LIMITS.textLength)
    .optional()
    .meta({ description: 'A JSON query (match, term, terms, range, regexp, exists, fuzzy, prefix; an array means all); docs/people-query.md.' }),
  'page[after]': z
    .string()
    .refine((id) => isId('user', id), { error: 'page[after] must be a user id: the last id of the page you have' })
    .optional()
    .meta({ description: 'In id order only: the page after this user id (what `links.next` uses).' }),
  'page[limit]': z.coerce
    .number({ error: 'page[limit] must be an integer from 1 to 1000' })
    .int({ error: 'page[limit] must be an integer from 1 to 1000' })
    .min(1, { error: 'page[limit] must be an integer from 1 to 1000' })
    .max(1000, { error: 'page[limit] must be an integer from 1 to 1000' })
    .default(100)
    .meta({ description: 'How many users a page holds, 1 to 1000.' }),
  'page[offset]': z.coerce
    .number({ error: 'page[offset] must be an integer of 0 or more' })
    .int({ error: 'page[offset] must be an integer of 0 or more' })
    .min(0, { error: 'page[offset] must be an integer of 0 or more' })
    .default(0)
    .meta({ description: 'How many users to skip; reads what it skips: prefer page[after].' }),
});
export type ListUsersQuery = z.output<typeof listUsersQuery>;

// Bulk lookups.

export const LOOKUP_MAX = 10;

export const lookupQuery = z.strictObject({
  ids: z
    .string()
    .max(2_000)
    .transform((text, ctx) => {
      const entries = text.split(',').map((entry) => entry.trim()).filter(Boolean);
      if (entries.length > LOOKUP_MAX) {
        ctx.addIssue({ code: 'custom', message: `ids can name at most ${LOOKUP_MAX} users, not ${entries.length}` });
        return z.NEVER;
      }
      return [...new Set(entries)];
    })
    .meta({ description: `Comma-separated user ids or \`ref:<external-ref>\`, at most ${LOOKUP_MAX}; unknown ones are left out.` }),
});

/** Refuses a query parameter in the list's own words (a combination the schema cannot see). */
export function queryParamError(param: string, message: string) {
  return errors.invalidParams([{ param, message, in: 'query' }]);
}
