import { userMobiles } from '#shared/identity/users/lookups';
import { userMobileRoutes } from '#shared/identity/users/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(userMobileRoutes.listUserMobiles, async ({ principal, query }) => userMobiles(principal, query.ids));
