/**
 * The code of the CloudFront Function (runtime `cloudfront-js-2.0`) on viewer requests of the
 * dashboard's default behaviour: a path whose last segment has no extension (`/`, `/sign-in`,
 * `/developers/api-keys`) is a page of the app, so it is served `/index.html`, as the local
 * dashboard does. A file (`/config.json`, `/assets/...`) keeps its path, so a missing file is
 * still an error and never a page. Only the default behaviour runs it: `/v1/*` answers are the
 * API's own, never rewritten or masked.
 */
export const APP_ROUTES_FUNCTION_CODE = `function handler(event) {
  var request = event.request;
  var last = request.uri.slice(request.uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}
`;
