import { listAuditEvents } from '#shared/identity/audit/resource';
import { auditEventRoutes } from '#shared/identity/audit/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(auditEventRoutes.listAuditEvents, ({ principal, query }) => listAuditEvents(principal, query));
