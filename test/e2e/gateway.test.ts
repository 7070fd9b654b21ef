import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { call, stack } from '#test/support/api';

function logLines(): Record<string, unknown>[] {
  return readFileSync(stack.logFile, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function waitFor<T>(find: () => T | undefined, timeoutMs = 5_000): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('routing', () => {
  it.each(['/', '/nope', '/members/mem_28bnB4MCh2qygiyaHQ6jNGUbl10/extra'])(
    'answers an unknown path (%s) with 404 in the error format',
    async (path) => {
      const response = await call('GET', path);

      expect(response.status).toBe(404);
      expect(response.body).toEqual({
        type: 'invalid_request_error',
        code: 'resource_not_found',
        message: 'Unrecognized request URL.',
      });
    },
  );

  it('answers a known path with a wrong method with 405 and the allowed methods', async () => {
    const collection = await call('PUT', '/members');
    const item = await call('PATCH', '/members/mem_28bnB4MCh2qygiyaHQ6jNGUbl10');

    expect(collection.status).toBe(405);
    expect(collection.body).toEqual({ type: 'invalid_request_error', message: 'Method not allowed for this URL.' });
    expect(collection.headers.get('allow')).toBe('POST, GET');
    expect(item.status).toBe(405);
    expect(item.headers.get('allow')).toBe('GET, POST, DELETE');
  });

  it('refuses a body over 10 MB with 413', async () => {
    const response = await call('POST', '/members', { rawBody: `{"name":"${'x'.repeat(10 * 1024 * 1024)}"}` });

    expect(response.status).toBe(413);
    expect(response.body).toEqual({ type: 'invalid_request_error', message: 'The request body is too large.' });
  });
});

describe('authentication', () => {
  it('answers 401 when the osma-api-key header is missing', async () => {
    const response = await call('GET', '/members', { key: null });

    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      type: 'invalid_request_error',
      message: 'No API key provided. Pass your API key in the osma-api-key header.',
    });
  });

  it.each([
    ['an unknown key', 'sk_test_27NecW2jYLhV2gkB5lby1F22Fxv'],
    ['a malformed key', 'not-a-key'],
    ['a test key passed off as live', stack.testKey.replace('sk_test_', 'sk_live_')],
  ])('answers 401 for %s', async (_, key) => {
    const response = await call('GET', '/members', { key });

    expect(response.status).toBe(401);
    expect(response.body).toEqual({ type: 'invalid_request_error', message: 'Invalid API key provided.' });
  });

  it('accepts the seeded test and live keys', async () => {
    const test = await call('GET', '/members', { key: stack.testKey });
    const live = await call('GET', '/members', { key: stack.liveKey });

    expect([test.status, live.status]).toEqual([200, 200]);
  });
});

describe('request ids', () => {
  it('puts a unique request-id header on every answer, errors included', async () => {
    const responses = await Promise.all([
      call('GET', '/members'),
      call('GET', '/members'),
      call('POST', '/members', { body: {} }),
      call('GET', '/members/mem_28bnB4MCh2qygiyaHQ6jNGUbl10'),
      call('GET', '/members', { key: null }),
      call('GET', '/members', { key: 'sk_test_27NecW2jYLhV2gkB5lby1F22Fxv' }),
      call('GET', '/nope'),
      call('PUT', '/members'),
    ]);

    const ids = responses.map((response) => response.headers.get('request-id'));
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('writes the request id into the structured log line of that request', async () => {
    const response = await call('POST', '/members', { body: { name: 'Logged', email: `logged-${Date.now()}@osma.com` } });
    const requestId = response.headers.get('request-id');

    // The stack's output reaches the file through a pipe: give it a moment on a busy machine.
    const line = await waitFor(() => logLines().find((entry) => entry.request_id === requestId && entry.message === 'request'));

    expect(line).toMatchObject({
      level: 'INFO',
      message: 'request',
      route: 'createMember',
      method: 'POST',
      path: '/members',
      status: 201,
      organization_id: stack.organizationId,
      mode: 'test',
    });
  });
});
