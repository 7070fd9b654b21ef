import type { APIGatewayAuthorizerResult } from 'aws-lambda';

/** What every plane's REQUEST authorizer shares. */

/** A request header by name, whatever letter case the client gave it. */
export function headerValue(headers: Record<string, string | undefined> | null, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/**
 * arn:aws:execute-api:region:account:api/stage/METHOD/path -> arn:...:api/stage/*. API Gateway
 * caches an authorizer's answer per identity, so a cached Allow must hold for every route, not
 * only the first one called.
 */
export function wholeApi(methodArn: string): string {
  const [arnPrefix, apiId, stage] = methodArn.split('/');
  return `${arnPrefix}/${apiId}/${stage}/*`;
}

export function policy(effect: 'Allow' | 'Deny', resource: string): APIGatewayAuthorizerResult['policyDocument'] {
  return { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }] };
}
