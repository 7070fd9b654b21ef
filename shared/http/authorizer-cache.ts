import { integerSetting } from '#shared/platform/config';

/**
 * OSMA_AUTHORIZER_CACHE_SECONDS: how long API Gateway (and the local gateway) keeps an
 * authorizer's answer for one API key or access token, for both planes: the bound on how long
 * a revoked key, an ended session or a suspended organization keeps working. 0 turns caching
 * off; at most 3600 (API Gateway's limit). Read where the plane is described: the CDK app at
 * synth time, the local stack at start.
 */
export const DEFAULT_AUTHORIZER_CACHE_SECONDS = 60;

export function authorizerCacheSeconds(): number {
  return integerSetting('OSMA_AUTHORIZER_CACHE_SECONDS', { fallback: DEFAULT_AUTHORIZER_CACHE_SECONDS, min: 0, max: 3600 });
}
