import * as z from 'zod';
import { idPath, listDocument, pageQuery, resourceDocument, resourceObject, resourceRequest } from '#shared/http/jsonapi';
import { routeTable } from '#shared/http/route';
import {
  API_KEY_TYPE,
  apiKeyAttributes,
  apiKeyCreateBody,
  apiKeyListQuery,
  apiKeyPatch,
  apiKeyRollBody,
  apiKeyWithSecretAttributes,
} from '#shared/identity/api-keys/resource';

export const apiKeyRoutes = routeTable(
  { functions: 'identity/api-keys', tag: 'API keys', auth: 'session' },
  {
    listApiKeys: {
      method: 'GET',
      path: '/v1/api-keys/',
      handler: 'list',
      permission: 'api-keys.read',
      summary: "List the organization's API keys, newest first; never a key itself",
      request: { query: z.strictObject({ ...apiKeyListQuery, ...pageQuery }) },
      success: { status: 200, description: 'The keys.', schema: listDocument(API_KEY_TYPE, apiKeyAttributes) },
    },
    getApiKey: {
      method: 'GET',
      path: '/v1/api-keys/{id}/',
      handler: 'get',
      permission: 'api-keys.read',
      summary: 'Get an API key; never the key itself',
      request: { path: idPath },
      success: { status: 200, description: 'The key.', schema: resourceDocument(API_KEY_TYPE, apiKeyAttributes) },
      errors: [404],
    },
    createApiKey: {
      method: 'POST',
      path: '/v1/api-keys/',
      handler: 'create',
      permission: 'api-keys.manage',
      summary: 'Create an API key: the answer alone carries the key (`secret`); a live key needs your password or a TOTP code',
      request: { body: apiKeyCreateBody },
      success: {
        status: 201,
        description: 'The key, with `secret`: shown this once.',
        schema: resourceDocument(API_KEY_TYPE, apiKeyWithSecretAttributes),
      },
      errors: [403, 429],
    },
    updateApiKey: {
      method: 'PATCH',
      path: '/v1/api-keys/{id}/',
      handler: 'update',
      permission: 'api-keys.manage',
      summary: "Rename an API key",
      request: { path: idPath, body: resourceRequest(API_KEY_TYPE, apiKeyPatch) },
      success: { status: 200, description: 'The key as changed.', schema: resourceDocument(API_KEY_TYPE, apiKeyAttributes) },
      errors: [404],
    },
    rollApiKey: {
      method: 'POST',
      path: '/v1/api-keys/{id}/roll/',
      handler: 'roll',
      permission: 'api-keys.manage',
      summary:
        'Roll an active API key: a new key (its `secret` shown this once), the old one working for `expires-in-seconds` more; a live key needs your password or a TOTP code',
      request: { path: idPath, body: apiKeyRollBody },
      success: {
        status: 201,
        description: 'The new key with its `secret`; the old key, now expiring (or revoked), in `included`.',
        schema: z.object({
          data: resourceObject(API_KEY_TYPE, apiKeyWithSecretAttributes),
          included: z.array(resourceObject(API_KEY_TYPE, apiKeyAttributes)),
          meta: z.object({}).loose(),
        }),
      },
      errors: [404, 409, 429],
    },
    revokeApiKey: {
      method: 'POST',
      path: '/v1/api-keys/{id}/revoke/',
      handler: 'revoke',
      permission: 'api-keys.manage',
      summary: 'Revoke an API key: the public API refuses it from now on (within the authorizer cache period)',
      request: { path: idPath },
      success: { status: 201, description: 'The key, revoked.', schema: resourceDocument(API_KEY_TYPE, apiKeyAttributes) },
      errors: [404, 409],
    },
  },
);
