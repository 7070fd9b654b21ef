import { createApiKey } from '#shared/identity/api-keys/manage';
import { apiKeySecretResource } from '#shared/identity/api-keys/resource';
import { apiKeyRoutes } from '#shared/identity/api-keys/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(apiKeyRoutes.createApiKey, async ({ principal, body, sourceIp, userAgent }) => {
  const proof = { password: body.meta?.password, totpCode: body.meta?.['totp-code'] };
  const { record, secret } = await createApiKey(principal, body.data.attributes, proof, { ip: sourceIp, userAgent });
  return { data: apiKeySecretResource(record, secret), meta: {} };
});
