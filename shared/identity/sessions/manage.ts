import { can } from '#shared/identity/roles/permissions';
import type { SessionPrincipal } from '#shared/identity/principal';
import { activeSessionsOfLogin } from '#shared/identity/sessions/login-sessions';
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

/**
 * The caller's own active sessions, newest first, as a page: every active session of the login
 * behind the calling session (its login's index, one consistent Query), kept to this person in
 * this organization. The calling session is among them.
 */
export async function ownSessions(principal: SessionPrincipal, page: { 'page[limit]': number; 'page[offset]': number }) {
  const current = await getSessionItem(principal.sessionId);
  const sessions = current
    ? (await activeSessionsOfLogin(current.login_id)).filter(
        (session) => session.user_id === principal.userId && session.organization_id === principal.organizationId,
      )
    : [];
  sessions.sort((a, b) => b.created_at.localeCompare(a.created_at) || b.session_id.localeCompare(a.session_id));
  const offset = page['page[offset]'];
  const limit = page['page[limit]'];
  return {
    data: sessions.slice(offset, offset + limit).map(sessionResource),
    meta: { page: { limit, offset, total: sessions.length } },
    links: {},
  };
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
