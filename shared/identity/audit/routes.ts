import * as z from 'zod';
import { listDocument, pageQuery, timeComparisons } from '#shared/http/jsonapi';
import { routeTable } from '#shared/http/route';
import { isId } from '#shared/platform/ids';
import { AUDIT_ACTIONS, type AuditAction } from '#shared/identity/audit/audit';
import { AUDIT_EVENT_TYPE, auditEventAttributes } from '#shared/identity/audit/resource';

export const listAuditEventsQuery = z.strictObject({
  'filter[action]': z
    .string()
    .max(1_000)
    .transform((text, ctx): AuditAction[] => {
      const actions = [...new Set(text.split(',').map((action) => action.trim()).filter(Boolean))];
      const unknown = actions.filter((action) => !(AUDIT_ACTIONS as readonly string[]).includes(action));
      if (actions.length === 0 || unknown.length) {
        ctx.addIssue({ code: 'custom', message: `filter[action] takes actions, comma-separated, of: ${AUDIT_ACTIONS.join(', ')}` });
        return z.NEVER;
      }
      return actions as AuditAction[];
    })
    .optional()
    .meta({ description: 'An action, or several comma-separated: events of any of them.', example: 'login.succeeded,login.failed' }),
  'filter[actor-id]': z.string().min(1).max(255).optional().meta({ description: 'Events whose actor has this id (a user id, an API key id).' }),
  'filter[cmp-created-time]': timeComparisons('filter[cmp-created-time]', 'the time of the event'),
  'page[after]': z
    .string()
    .refine((id) => isId('auditEvent', id), { error: 'page[after] must be an audit event id: the value links.next gave' })
    .optional()
    .meta({ description: 'Where the page starts: what `links.next` carries.' }),
  ...pageQuery,
});

export const auditEventRoutes = routeTable(
  { functions: 'identity/audit-events', tag: 'Audit', auth: 'session' },
  {
    listAuditEvents: {
      method: 'GET',
      path: '/v1/audit-events/',
      handler: 'list',
      permission: 'audit.read',
      summary: "List your organization's audit trail, newest first: by action, actor and time",
      request: { query: listAuditEventsQuery },
      success: {
        status: 200,
        description: 'The events, newest first. A page may hold fewer than page[limit] when a filter matched little of what one page may read: follow links.next.',
        schema: listDocument(AUDIT_EVENT_TYPE, auditEventAttributes),
      },
      errors: [403],
    },
  },
);
