import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * fauxqs serves S3 on loopback but checks no signature: any URL to an object works, forever.
 * This gate stands in front of it and does what S3 does with the requests the API's users
 * make, so that the local stack behaves like the private bucket:
 *
 * - a presigned URL (SigV4 in the query) is checked: signature over the method, path, query
 *   and signed headers (so a different content-type or content-length is refused, as S3
 *   refuses it), the access key, and the expiry; its `response-*` parameters set the
 *   response headers (Content-Disposition, Content-Type), as S3 does;
 * - a request signed in the Authorization header (the handlers' own SDK calls, with the
 *   local credentials) passes;
 * - anything else is refused: the bucket is private.
 *
 * Errors are S3's XML bodies with S3's codes. Bodies stream through; fauxqs's own limit on
 * a request body (11 MiB) still applies behind the gate.
 */
export interface S3Gate {
  endpoint: string;
  stop: () => Promise<void>;
}

export interface S3GateOptions {
  /** fauxqs's endpoint, e.g. http://127.0.0.1:4566 */
  upstream: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  port?: number;
  host?: string;
  /** The clock, for tests of expiry. */
  now?: () => number;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_EXPIRES_SECONDS = 7 * 24 * 3600;
/** Query parameters that, on a signed GET, set a header of the response (as S3 does). */
const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-disposition': 'content-disposition',
  'response-content-language': 'content-language',
  'response-content-encoding': 'content-encoding',
  'response-cache-control': 'cache-control',
  'response-expires': 'expires',
};
/** Browser uploads: the same CORS rule as the bucket in the stack (infra/files.ts). */
const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, PUT',
  'access-control-allow-headers': 'content-type',
  'access-control-expose-headers': 'etag',
  'access-control-max-age': '3000',
};

export class S3GateError extends Error {
  constructor(
    readonly code: 'AccessDenied' | 'SignatureDoesNotMatch' | 'AuthorizationQueryParametersError' | 'InvalidAccessKeyId',
    message: string,
    readonly status = 403,
  ) {
    super(message);
  }
}

export async function startS3Gate(options: S3GateOptions): Promise<S3Gate> {
  const upstream = new URL(options.upstream);
  const now = options.now ?? Date.now;
  const server = createServer((req, res) => {
    try {
      if (req.method === 'OPTIONS') {
        res.writeHead(200, CORS_HEADERS).end();
        return;
      }
      const url = new URL(req.url ?? '/', 'http://gate');
      let overrides: Record<string, string> = {};
      if (url.searchParams.has('X-Amz-Signature')) {
        verifyPresignedRequest({
          method: req.method ?? 'GET',
          rawUrl: req.url ?? '/',
          headers: req.headers,
          credentials: options.credentials,
          now: now(),
        });
        overrides = responseOverrides(parseQuery(url.search.slice(1)));
      } else if (!String(req.headers.authorization ?? '').startsWith(`${ALGORITHM} `)) {
        throw new S3GateError('AccessDenied', 'Access Denied');
      }
      forward(req, res, upstream, overrides);
    } catch (error) {
      if (!(error instanceof S3GateError)) throw error;
      req.resume();
      sendError(res, error);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Checks a SigV4 presigned (query string) request as S3 does, or throws the S3 error. The
 * canonical request is rebuilt from what arrived: the raw path, the query without the
 * signature, and the signed headers with the values this request carries.
 */
export function verifyPresignedRequest(input: {
  method: string;
  rawUrl: string;
  headers: Record<string, string | string[] | undefined>;
  credentials: { accessKeyId: string; secretAccessKey: string };
  now: number;
}): void {
  const [rawPath = '/', rawQuery = ''] = input.rawUrl.split('?', 2) as [string, string?];
  const params = parseQuery(rawQuery);
  const param = (name: string) => params.find(([key]) => key === name)?.[1];
  const algorithm = param('X-Amz-Algorithm');
  const credential = param('X-Amz-Credential');
  const amzDate = param('X-Amz-Date');
  const expires = param('X-Amz-Expires');
  const signedHeaders = param('X-Amz-SignedHeaders');
  const signature = param('X-Amz-Signature');
  if (algorithm !== ALGORITHM || !credential || !amzDate || !expires || !signedHeaders || !signature) {
    throw new S3GateError(
      'AuthorizationQueryParametersError',
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
      400,
    );
  }
  const [accessKeyId, date, region, service, terminator] = credential.split('/');
  if (accessKeyId !== input.credentials.accessKeyId) {
    throw new S3GateError('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  }
  const signedAt = parseAmzDate(amzDate);
  const lifetime = Number(expires);
  if (signedAt === undefined || !Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_EXPIRES_SECONDS) {
    throw new S3GateError('AuthorizationQueryParametersError', 'X-Amz-Date or X-Amz-Expires is invalid.', 400);
  }
  if (input.now > signedAt + lifetime * 1000) throw new S3GateError('AccessDenied', 'Request has expired');

  const headerNames = signedHeaders.split(';');
  const canonicalHeaders = headerNames
    .map((name) => `${name}:${headerValue(input.headers[name])}\n`)
    .join('');
  const canonicalQuery = params
    .filter(([key]) => key !== 'X-Amz-Signature')
    .map(([key, value]) => [rfc3986(key), rfc3986(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const canonicalRequest = [
    input.method,
    rawPath,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    param('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD',
  ].join('\n');
  const scope = `${date}/${region}/${service}/${terminator}`;
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key: Buffer = hmac(`AWS4${input.credentials.secretAccessKey}`, date ?? '');
  for (const part of [region, service, terminator]) key = hmac(key, part ?? '');
  const expected = hmac(key, stringToSign).toString('hex');
  const matches = expected.length === signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
  if (!matches) {
    throw new S3GateError(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  }
}

function forward(req: IncomingMessage, res: ServerResponse, upstream: URL, overrides: Record<string, string>): void {
  const outgoing = httpRequest(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: upstream.host },
    },
    (answer) => {
      const headers = { ...answer.headers, ...CORS_HEADERS };
      if ((answer.statusCode ?? 500) < 300) Object.assign(headers, overrides);
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
    },
  );
  outgoing.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end('The local S3 (fauxqs) did not answer.');
  });
  req.pipe(outgoing);
}

function responseOverrides(params: [string, string][]): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const [param, value] of params) {
    const header = RESPONSE_OVERRIDES[param];
    if (header) overrides[header] = value;
  }
  return overrides;
}

function sendError(res: ServerResponse, error: S3GateError): void {
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message></Error>`;
  res.writeHead(error.status, { 'content-type': 'application/xml', ...CORS_HEADERS }).end(body);
}

/** Query pairs decoded as S3 decodes them ('+' stays a plus sign). */
function parseQuery(raw: string): [string, string][] {
  if (!raw) return [];
  return raw.split('&').map((pair) => {
    const at = pair.indexOf('=');
    const key = at === -1 ? pair : pair.slice(0, at);
    const value = at === -1 ? '' : pair.slice(at + 1);
    return [safeDecode(key), safeDecode(value)];
  });
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** SigV4 URI encoding: everything but A-Z a-z 0-9 - _ . ~ is percent-encoded. */
function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

function headerValue(value: string | string[] | undefined): string {
  const joined = Array.isArray(value) ? value.join(',') : (value ?? '');
  return joined.trim().replace(/\s+/g, ' ');
}

function parseAmzDate(text: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex');
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
