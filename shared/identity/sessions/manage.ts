import { can } from '#shared/identity/roles/permissions';
import type { SessionPrincipal } from '#shared/identity/principal';
import { endSession, getSessionItem, type SessionItem } from '#shared/identity/sessions/session';
import { SESSION_TYPE } from '#shared/identity/sessions/routes';
import { errors } from '#shared/platform/errors';
import { isId } from '#shared/platform/ids';

/**
 * A session as a signed-in person may see it: their own, or any session of their organization
 * when their role manages sessions. Any other id is not found, so ids tell nothing.
 */
export async function sessionFor(principal: SessionPrincipal, id: string): Promise<SessionItem> {
  const session = isId('session', id) ? await getSessionItem(id) : undefined;
  const visible =
    session !== undefined &&
    session.organization_id === principal.organizationId &&
    (session.user_id === principal.userId || can(principal, 'sessions.manage'));
  if (!visible) throw errors.notFound('session', id);
  return session;
}

/** Signs a session out; ending one that already ended changes nothing. */
export async function endSessionFor(principal: SessionPrincipal, id: string, source: { ip: string; userAgent?: string }): Promise<void> {
  const session = await sessionFor(principal, id);
  await endSession(session, id === principal.sessionId ? 'logged_out' : 'ended_by_admin', {
    action: 'session.ended',
    actor: { type: 'user', id: principal.userId },
    ip: source.ip,
    userAgent: source.userAgent,
  });
}

export function sessionResource(session: SessionItem) {
  return {
    type: SESSION_TYPE,
    id: session.session_id,
    attributes: {
      'user-id': session.user_id,
      status: session.status,
      'created-time': session.created_at,
      'expiration-time': session.expiration_time,
      'ended-time': session.ended_at ?? null,
      'login-info': {
        email: session.email,
        'user-id': session.user_id,
        'session-id': session.session_id,
        organizations: [session.organization_id],
      },
    },
  };
}
