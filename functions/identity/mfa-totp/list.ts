import { listTotpFor } from '#shared/identity/mfa/manage';
import { mfaTotpResource } from '#shared/identity/mfa/resource';
import { mfaTotpRoutes } from '#shared/identity/mfa/routes';
import { identityHandler } from '#shared/identity/surface';

// A login has a handful of configurations (pending setups expire in a day): one Query, paged here.
export const handler = identityHandler(mfaTotpRoutes.listMfaTotp, async ({ principal, query }) => {
  const { userId, configs } = await listTotpFor(principal, query['filter[user-id]']);
  const { 'page[limit]': limit, 'page[offset]': offset } = query;
  return {
    data: configs.slice(offset, offset + limit).map((config) => mfaTotpResource(config, userId)),
    meta: { page: { limit, offset, total: configs.length } },
    links: {},
  };
});
