import * as z from 'zod';
import { idPath, listDocument, pageQuery, resourceDocument, resourceObject, resourceRequest } from '#shared/http/jsonapi';
import { routeTable } from '#shared/http/route';
import { INVITATION_STATUS_FILTERS, INVITATION_VALID_DAYS } from '#shared/identity/invitations/invitation';
import { acceptInput, INVITATION_TYPE, invitationAttributes, invitationInput, resendInput } from '#shared/identity/invitations/resource';
import { loginAnswer } from '#shared/identity/sessions/routes';

/** An invitation just (re)sent, and whether its mail went out. */
const sentDocument = z.object({
  data: resourceObject(INVITATION_TYPE, invitationAttributes),
  meta: z.object({
    'mail-sent': z.boolean().meta({
      description: "False when the mail could not be sent: the person's registration-invite is then `failed`; resend it later.",
    }),
  }),
});

export const invitationRoutes = routeTable(
  { functions: 'identity/invitations', tag: 'Invitations', auth: 'session' },
  {
    listInvitations: {
      method: 'GET',
      path: '/v1/registration-invitations/',
      handler: 'list',
      permission: 'organization.read',
      summary: "List your organization's invitations, newest first, optionally of one status",
      request: {
        query: z.strictObject({
          'filter[status]': z
            .enum(INVITATION_STATUS_FILTERS)
            .optional()
            .meta({ description: '`pending`, `accepted`, `revoked`, or `expired` (pending with its link past `expires-time`).' }),
          ...pageQuery,
        }),
      },
      success: { status: 200, description: 'The invitations.', schema: listDocument(INVITATION_TYPE, invitationAttributes) },
      errors: [403],
    },
    getInvitation: {
      method: 'GET',
      path: '/v1/registration-invitations/{id}/',
      handler: 'get',
      permission: 'organization.read',
      summary: 'Get an invitation of your organization',
      request: { path: idPath },
      success: { status: 200, description: 'The invitation.', schema: resourceDocument(INVITATION_TYPE, invitationAttributes) },
      errors: [403, 404],
    },
    createInvitation: {
      method: 'POST',
      path: '/v1/registration-invitations/',
      handler: 'create',
      permission: 'users.manage',
      sendsMail: true,
      summary: `Invite a person by email with roles: they are created in onboarding:invited and mailed a link valid ${INVITATION_VALID_DAYS} days`,
      request: { body: resourceRequest(INVITATION_TYPE, invitationInput) },
      success: { status: 201, description: 'The invitation; its token is only in the mailed link.', schema: sentDocument },
      errors: [403, 409],
    },
    resendInvitation: {
      method: 'POST',
      path: '/v1/resend-invitation/',
      handler: 'resend',
      permission: 'users.manage',
      sendsMail: true,
      summary: `Send an invitation again with a new link valid ${INVITATION_VALID_DAYS} days; the link sent before stops working`,
      request: { body: resendInput },
      success: { status: 201, description: 'The invitation, renewed (or a new one, when the last was revoked or accepted).', schema: sentDocument },
      errors: [403, 404, 409],
    },
    revokeInvitation: {
      method: 'POST',
      path: '/v1/registration-invitations/{id}/revoke/',
      handler: 'revoke',
      permission: 'users.manage',
      summary: 'Revoke a pending or expired invitation: its link stops working and the person becomes inactive',
      request: { path: idPath },
      success: { status: 201, description: 'The invitation, revoked.', schema: resourceDocument(INVITATION_TYPE, invitationAttributes) },
      errors: [403, 404, 409],
    },
    acceptInvitation: {
      method: 'POST',
      path: '/v1/accept-invitation/',
      handler: 'accept',
      auth: 'none',
      summary: 'Accept an invitation with the token of its link and a new password: you become active and are signed in',
      request: { body: acceptInput },
      success: { status: 201, description: 'A new session, as `/v1/login/` answers it.', schema: loginAnswer },
      errors: [403, 409, 429],
    },
  },
);
