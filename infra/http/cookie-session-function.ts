import { readFileSync } from 'node:fs';
import path from 'node:path';
import { transformSync } from 'esbuild';
import { PROJECT_ROOT } from '#infra/platform/bundling';
import type { PlaneDescription } from '#shared/http/plane';
import { errors } from '#shared/platform/errors';

/** The module that decides, shared with the local gateway and the handlers. */
export const COOKIE_SESSION_MODULE = path.join(PROJECT_ROOT, 'shared/http/cookie-session.ts');

/** CloudFront's limit on a function's code. */
export const CLOUDFRONT_FUNCTION_MAX_BYTES = 10 * 1024;

/**
 * The code of the CloudFront Function (runtime `cloudfront-js-2.0`, on viewer requests to the
 * plane's `/v1/*` behaviour) that does at the dashboard's origin what the local gateway does:
 * `cookieSessionAtOrigin` decides, from the very source file the gateway imports (its types
 * removed, its exports made plain declarations), and a few lines adapt CloudFront's event to it.
 * A refusal is the plane's 403 `csrf_check_failed`, rendered here once; an accepted request goes
 * on with the `Authorization` header added.
 *
 * The behaviour that uses it needs caching off and an origin request policy that forwards every
 * viewer header and cookie but Host (AllViewerExceptHostHeader): with caching off, CloudFront
 * forwards `Authorization`, and the refresh route reads its cookie.
 */
export function cookieSessionFunctionCode(plane: PlaneDescription): string {
  const { code } = transformSync(readFileSync(COOKIE_SESSION_MODULE, 'utf8'), { loader: 'ts', target: 'es2019' });
  const declarations = code.replace(/^export /gm, '');
  const refusal = JSON.stringify(plane.errorBody(errors.csrfCheckFailed()));
  return `${declarations}
var REFUSAL_BODY = ${JSON.stringify(refusal)};

function handler(event) {
  var request = event.request;
  var headers = Object.create(null);
  for (var name in request.headers) headers[name] = request.headers[name].value;
  var cookies = Object.create(null);
  for (var cookie in request.cookies) cookies[cookie] = request.cookies[cookie].value;
  var verdict = cookieSessionAtOrigin({ method: request.method, headers: headers, cookies: cookies, origin: 'https://' + headers.host });
  if (verdict.refuse) {
    return {
      statusCode: 403,
      statusDescription: 'Forbidden',
      headers: { 'content-type': { value: 'application/json' }, 'request-id': { value: event.context.requestId } },
      body: { encoding: 'text', data: REFUSAL_BODY },
    };
  }
  if (verdict.authorization) request.headers.authorization = { value: verdict.authorization };
  return request;
}
`;
}
