import { getRequestLog } from '#shared/identity/request-logs/resource';
import { requestLogRoutes } from '#shared/identity/request-logs/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(requestLogRoutes.getRequestLog, ({ principal, params }) => getRequestLog(principal, params.id));
