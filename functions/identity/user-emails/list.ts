import { userEmails } from '#shared/identity/users/lookups';
import { userEmailRoutes } from '#shared/identity/users/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(userEmailRoutes.listUserEmails, async ({ principal, query }) => userEmails(principal, query.ids));
