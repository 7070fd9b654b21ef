import * as z from 'zod';
import {
  DEFAULT_INVITED_ROLES,
  INVITATION_STATUS_FILTERS,
  INVITATION_VALID_DAYS,
  invitationStatus,
  MAX_INVITED_ROLES,
  type InvitationItem,
  type InvitationPage,
  type InvitationStatus,
  type NewInvitation,
  type SentInvitation,
} from '#shared/identity/invitations/invitation';
import { isBuiltInRole } from '#shared/identity/roles/keys';
import { isId } from '#shared/platform/ids';
import { timestamp } from '#shared/platform/time';

/**
 * The management API's `registration-invitations` resource: the seed's attributes
 * (`invited-email`, `created-by`, `created-time`, `claimed-time`) and ours. The token is in no
 * answer: only the mailed link carries it.
 */
export const INVITATION_TYPE = 'registration-invitations';

export const invitationAttributes = z.object({
  'invited-email': z.string(),
  'first-name': z.string().nullable(),
  'last-name': z.string().nullable(),
  'role-ids': z.array(z.string()).meta({ description: 'The roles the person was invited with: built-in names or `role_...` ids.' }),
  'created-by': z.string().meta({ description: 'The id of the user who made the invitation.' }),
  'created-time': z.string(),
  'claimed-time': z.string().nullable().meta({ description: 'When it was accepted.' }),
  status: z.enum(INVITATION_STATUS_FILTERS).meta({
    description: '`pending` until accepted or revoked; a pending invitation past `expires-time` is `expired` (resending renews it).',
  }),
  'expires-time': z.string().meta({ description: `When the link last sent stops working: ${INVITATION_VALID_DAYS} days after it was sent.` }),
  'last-sent-time': z.string().nullable().meta({ description: 'When the link was last issued and handed to the mail service.' }),
  'user-id': z.string().meta({ description: 'The person it invites, a user in `onboarding` until it is accepted.' }),
});

/** A person's name as an invitation takes it: one line, 1 to 100 characters. */
const personName = (field: string) =>
  z
    .string({ error: `${field} must be a string` })
    .trim()
    .min(1, { error: `${field} must not be empty` })
    .max(100, { error: `${field} must be at most 100 characters` })
    .refine((name) => !/[\p{Cc}\p{Zl}\p{Zp}]/u.test(name), { error: `${field} must be one line of text` });

const roleId = z
  .string()
  .max(64)
  .refine((id) => isBuiltInRole(id) || isId('role', id), {
    error: 'Each role id must be a built-in role (owner, admin, developer, viewer) or a role_... id.',
  });

export const invitationInput = z.strictObject({
  'invited-email': z.email({ error: 'invited-email must be a valid email address' }).max(254).meta({ description: 'Who to invite.' }),
  'first-name': personName('first-name').optional(),
  'last-name': personName('last-name').optional(),
  'role-ids': z
    .array(roleId, { error: 'role-ids must be a list of role ids' })
    .min(1, { error: 'role-ids must name at least one role' })
    .max(MAX_INVITED_ROLES, { error: `role-ids holds at most ${MAX_INVITED_ROLES} roles` })
    .optional()
    .meta({ description: `Built-in role names or \`role_...\` ids; \`${DEFAULT_INVITED_ROLES.join(', ')}\` when not given.` }),
});

export const resendInput = z
  .strictObject({
    username: z.string().min(1).max(255).optional().meta({ description: 'The invited email.' }),
    'invitation-id': z.string().max(64).optional().meta({ description: 'The invitation, instead of the email.' }),
  })
  .meta({ id: 'ResendInvitationRequest', description: 'Name the person by `username` (their email) or by `invitation-id`, one of the two.' });

export const acceptInput = z
  .strictObject({
    token: z.string().min(1).max(256).meta({ description: 'The token of the mailed link (`accept-invitation?token=...`).' }),
    password: z.string().min(1).max(255).meta({ description: 'The password to set: at least 10 characters, not a common password, not your email or name.' }),
    'first-name': personName('first-name').optional(),
    'last-name': personName('last-name').optional(),
  })
  .meta({ id: 'AcceptInvitationRequest' });

export function invitationResource(invitation: InvitationItem, now: string = timestamp()) {
  return {
    type: INVITATION_TYPE,
    id: invitation.id,
    attributes: {
      'invited-email': invitation.invited_email,
      'first-name': invitation.first_name ?? null,
      'last-name': invitation.last_name ?? null,
      'role-ids': invitation.role_ids ?? [],
      'created-by': invitation.created_by,
      'created-time': invitation.created_at,
      'claimed-time': invitation.claimed_at ?? null,
      status: invitationStatus(invitation, now),
      'expires-time': invitation.expires_time,
      'last-sent-time': invitation.last_sent_at ?? null,
      'user-id': invitation.user_id,
    },
  };
}

/** A page as the list answers it, with the next page's link when there is one. */
export function invitationList(page: InvitationPage, query: { status?: string; limit: number; offset: number }) {
  const now = timestamp();
  const next = new URLSearchParams({
    ...(query.status && { 'filter[status]': query.status }),
    'page[limit]': String(query.limit),
    'page[offset]': String(query.offset + query.limit),
  });
  return {
    data: page.invitations.map((invitation) => invitationResource(invitation, now)),
    meta: { page: { limit: query.limit, offset: query.offset } },
    links: page.hasMore ? { next: `/v1/registration-invitations/?${next.toString()}` } : {},
  };
}

/** A created or resent invitation's answer: the invitation, and whether its mail went out. */
export function sentInvitationDocument(sent: SentInvitation) {
  return { data: invitationResource(sent.invitation), meta: { 'mail-sent': sent.mailSent } };
}

/** The request's attributes as the domain takes them. */
export function newInvitationOf(attributes: z.infer<typeof invitationInput>): NewInvitation {
  const { 'invited-email': email, 'first-name': firstName, 'last-name': lastName, 'role-ids': roleIds } = attributes;
  return { email, firstName, lastName, roleIds };
}

/** The list's query as the domain takes it. */
export function listRequestOf(query: { 'filter[status]'?: InvitationStatus; 'page[limit]': number; 'page[offset]': number }) {
  return { status: query['filter[status]'], limit: query['page[limit]'], offset: query['page[offset]'] };
}
