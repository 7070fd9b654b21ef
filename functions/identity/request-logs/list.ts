import { listRequestLogs } from '#shared/identity/request-logs/resource';
import { requestLogRoutes } from '#shared/identity/request-logs/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(requestLogRoutes.listRequestLogs, ({ principal, query }) => listRequestLogs(principal, query));
