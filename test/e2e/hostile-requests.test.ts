import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorBody } from '#shared/api/schemas';
import { call, newOrganization, stack } from '#test/support/api';

/**
 * Requests a hostile (or careless) consumer sends that are not about any one resource: bodies
 * on routes that take none, query parameter names that are also names of JavaScript's object
 * prototype, and bytes that are not HTTP at all. Each gets a 4xx in the API's error format.
 */

let org: Awaited<ReturnType<typeof newOrganization>>;

beforeAll(async () => {
  org = await newOrganization();
});

const unknownParameter = (name: string) => ({
  type: 'invalid_request_error',
  message: 'Invalid request parameter(s)',
  params: [{ param: name, message: `Received unknown parameter: ${name}` }],
});

async function createEndpoint() {
  const created = await call('POST', '/webhook_endpoints', {
    key: org.testKey,
    body: { url: 'http://127.0.0.1:9/hooks', events: ['tasks.created'] },
  });
  expect(created.status).toBe(201);
  return created.body as { id: string; secret: string };
}

async function createMember() {
  const email = `hostile-${randomUUID()}@osma.test`;
  const created = await call('POST', '/members', { key: org.testKey, body: { name: 'Hostile Test', email } });
  expect(created.status).toBe(201);
  return created.body as { id: string };
}

describe('a body sent to a route that takes none', () => {
  it.each([
    ['malformed JSON', '{"expires', { type: 'invalid_request_error', message: 'The request body is not valid JSON. Send a JSON object.' }],
    ['null', 'null', { type: 'invalid_request_error', message: 'The request body must be a JSON object.' }],
    ['an array', '[]', { type: 'invalid_request_error', message: 'The request body must be a JSON object.' }],
    ['a parameter', '{"expire_previous_secret":true}', unknownParameter('expire_previous_secret')],
    ['1 MB', JSON.stringify({ padding: 'x'.repeat(1024 * 1024) }), unknownParameter('padding')],
  ])('is refused by rotate_secret (%s), and the secret stays', async (_, rawBody, expected) => {
    // Prepare
    const endpoint = await createEndpoint();

    // Act
    const response = await call('POST', `/webhook_endpoints/${endpoint.id}/rotate_secret`, { key: org.testKey, rawBody });
    const after = await call('GET', `/webhook_endpoints/${endpoint.id}`, { key: org.testKey });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body).toEqual(expected);
    expect(after.body.previous_secret_expires_at).toBeNull();
  });

  it.each([
    ['no body', undefined, undefined],
    ['an empty body', '', undefined],
    ['{} with a form content type, as curl --data sends it', '{}', 'application/x-www-form-urlencoded'],
  ])('is not needed: rotate_secret takes %s', async (_, rawBody, contentType) => {
    // Prepare
    const endpoint = await createEndpoint();

    // Act
    const response = await call('POST', `/webhook_endpoints/${endpoint.id}/rotate_secret`, {
      key: org.testKey,
      ...(rawBody !== undefined && { rawBody }),
      headers: contentType ? { 'content-type': contentType } : {},
    });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body.secret).not.toBe(endpoint.secret);
  });

  it('is refused by a DELETE, which then deletes nothing', async () => {
    // Prepare
    const member = await createMember();

    // Act
    const response = await call('DELETE', `/members/${member.id}`, { key: org.testKey, rawBody: '{"force":true}' });
    const after = await call('GET', `/members/${member.id}`, { key: org.testKey });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body).toEqual(unknownParameter('force'));
    expect(after.body.status).not.toBe('deleted');
  });
});

describe('query parameters named like the object prototype', () => {
  const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

  it.each(names)('are unknown parameters on a list (%s)', async (name) => {
    // Act
    const response = await call('GET', `/members?${name}=1`, { key: org.testKey });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body).toEqual(unknownParameter(name));
  });

  it.each(names)('are unknown parameters on a route that takes no query (%s)', async (name) => {
    // Prepare
    const member = await createMember();

    // Act
    const response = await call('GET', `/members/${member.id}?${name}=1`, { key: org.testKey });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body).toEqual(unknownParameter(name));
  });

  it('still take the known ones beside them', async () => {
    // Act
    const response = await call('GET', '/members?limit=1&constructor=1&limit=2', { key: org.testKey });

    // Assess
    expect(response.body).toEqual(unknownParameter('constructor'));
  });
});

describe('any query parameter on a route that takes none', () => {
  it('is refused, as on every other route', async () => {
    // Prepare
    const member = await createMember();

    // Act
    const response = await call('GET', `/members/${member.id}?expand=tasks`, { key: org.testKey });
    const document = await call('GET', '/spec/openapi.json?download=1', { key: null });

    // Assess
    expect(response.body).toEqual(unknownParameter('expand'));
    expect(document.status).toBe(400);
    expect(document.body).toEqual(unknownParameter('download'));
  });
});

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends bytes as they are (no client would send most of these) and reads the answer until the server closes. */
function rawRequest(bytes: Buffer): Promise<RawResponse> {
  const { hostname, port } = new URL(stack.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
  });
}

const request = (requestLine: Buffer | string, headers = 'Host: localhost\r\nConnection: close\r\n') =>
  rawRequest(
    Buffer.concat([typeof requestLine === 'string' ? Buffer.from(requestLine, 'latin1') : requestLine, Buffer.from(`\r\n${headers}\r\n`, 'latin1')]),
  );

describe("the local gateway's own protocol errors", () => {
  it.each([
    ['a raw non-ASCII byte in the path', Buffer.from([...Buffer.from('GET /members'), 0xe9, ...Buffer.from(' HTTP/1.1')])],
    ['an unknown method', 'FOO /members HTTP/1.1'],
    ['a malformed request line', 'GARBAGE'],
    ['a space in the path', 'GET /mem bers HTTP/1.1'],
  ])('answer 400 in the error format with a request-id (%s)', async (_, requestLine) => {
    // Act
    const response = await request(requestLine);

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.body));
    const body = JSON.parse(response.body);
    expect(errorBody.parse(body)).toEqual(body);
    expect(body).toEqual({ type: 'invalid_request_error', message: expect.stringMatching(/^The request is not valid HTTP/) });
  });

  it('answer a malformed header too', async () => {
    // Act
    const response = await request('GET /members HTTP/1.1', 'Host: localhost\r\nBad Header: 1\r\n');

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers['request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(response.body).type).toBe('invalid_request_error');
  });

  it('answer a path that is no URL as an unknown one (404), not 500', async () => {
    // Act
    const response = await request('GET //[ HTTP/1.1');

    // Assess
    expect(response.status).toBe(404);
    expect(response.headers['request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(response.body)).toEqual({ type: 'invalid_request_error', code: 'resource_not_found', message: 'Unrecognized request URL.' });
  });

  it.each(['PUT', 'PATCH', 'PROPFIND', 'OPTIONS'])('answer a method HTTP knows but no route has (%s) with 405', async (method) => {
    // Act
    const response = await request(`${method} /members HTTP/1.1`);

    // Assess
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('POST, GET');
    expect(response.headers['request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(response.body)).toEqual({ type: 'invalid_request_error', message: 'Method not allowed for this URL.' });
  });
});
