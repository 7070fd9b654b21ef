import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { bareHost, checkedLookup, forbiddenAddress, urlProblem, type UrlPolicy } from '#shared/api/webhooks/url-policy';

/**
 * One webhook POST. Node's own http(s) client rather than fetch, because its `lookup` option
 * lets the connection go only to the addresses that the SSRF check accepted. Redirects are
 * not followed (a 3xx is an answer that is not 2xx), and the whole exchange is bounded by
 * the timeout: connect, send, and the receiver's answer.
 */
export interface PostResult {
  /** The receiver's HTTP status, or null when no answer came. */
  statusCode: number | null;
  latencyMs: number;
  /** Why no answer came (timeout, refused, forbidden address...). */
  error: string | null;
  retryAfter: string | null;
}

const MAX_ERROR_LENGTH = 300;

export async function postWebhook(
  target: string,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; policy: UrlPolicy },
): Promise<PostResult> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  const failed = (error: string): PostResult => ({
    statusCode: null,
    latencyMs: latency(),
    error: error.slice(0, MAX_ERROR_LENGTH),
    retryAfter: null,
  });

  const problem = urlProblem(target, options.policy);
  if (problem) return failed(`refused: ${problem}`);
  const url = new URL(target);
  const host = bareHost(url.hostname);
  if (isIP(host)) {
    const forbidden = forbiddenAddress(host, options.policy);
    if (forbidden) return failed(`refused to connect: ${forbidden}`);
  }

  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const signal = AbortSignal.timeout(options.timeoutMs);
  return new Promise<PostResult>((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'Osma-Webhooks/1.0',
        },
        lookup: checkedLookup(options.policy),
        signal,
        agent: false,
      },
      (res) => {
        // The status is the answer; the body is drained (not kept) so the connection closes.
        resolve({
          statusCode: res.statusCode ?? null,
          latencyMs: latency(),
          error: null,
          retryAfter: headerValue(res.headers['retry-after']),
        });
        res.on('error', () => undefined);
        res.resume();
      },
    );
    req.on('error', (error) => resolve(failed(describe(error, signal, options.timeoutMs))));
    req.end(body);
  });
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

function describe(error: Error, signal: AbortSignal, timeoutMs: number): string {
  if (signal.aborted) return `timeout: no answer within ${timeoutMs / 1000} s`;
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ENOTFOUND':
      return 'host not found';
    case 'EWEBHOOKFORBIDDEN':
      return error.message;
    default:
      return code ? `${code}: ${error.message}` : error.message;
  }
}
