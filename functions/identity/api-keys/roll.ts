import { rollApiKey } from '#shared/identity/api-keys/manage';
import { apiKeyResource, apiKeySecretResource } from '#shared/identity/api-keys/resource';
import { apiKeyRoutes } from '#shared/identity/api-keys/routes';
import { identityHandler } from '#shared/identity/surface';

export const handler = identityHandler(apiKeyRoutes.rollApiKey, async ({ principal, params, body, sourceIp, userAgent }) => {
  const proof = { password: body.password, totpCode: body['totp-code'] };
  const input = { expiresInSeconds: body['expires-in-seconds'] };
  const { record, secret, rolled } = await rollApiKey(principal, params.id, input, proof, { ip: sourceIp, userAgent });
  return { data: apiKeySecretResource(record, secret), included: [apiKeyResource(rolled)], meta: {} };
});
