import { randomUUID } from 'node:crypto';

/**
 * The CLI's HTTP calls: plain fetch, one attempt, the key in `osma-api-key`. Kept small on
 * purpose, so that the SDK's client can take its place without changing a command.
 */
export interface Connection {
  apiKey: string;
  apiBase: string;
}

export interface Answer<T = any> {
  status: number;
  requestId: string | null;
  body: T;
  text: string;
}

export class ApiCallError extends Error {
  constructor(readonly answer: Answer) {
    const error = answer.body?.error ?? answer.body;
    super(`${answer.status} ${error?.type ?? ''} ${error?.code ?? ''}: ${error?.message ?? answer.text.slice(0, 300)} (request-id ${answer.requestId})`.replace(/\s+/g, ' '));
  }
}

export async function request<T = any>(connection: Connection, method: string, path: string, body?: unknown): Promise<Answer<T>> {
  const headers: Record<string, string> = { 'osma-api-key': connection.apiKey, 'user-agent': 'osma-cli/0.1' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  // A retried POST must not make a second object: each call carries its own key.
  if (method === 'POST') headers['idempotency-key'] = randomUUID();
  const response = await fetch(new URL(path.startsWith('/') ? path : `/${path}`, connection.apiBase), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: any;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: response.status, requestId: response.headers.get('request-id'), body: parsed, text };
}

/** The same call, for commands that cannot go on without a 2xx. */
export async function expectOk<T = any>(connection: Connection, method: string, path: string, body?: unknown): Promise<T> {
  const answer = await request<T>(connection, method, path, body);
  if (answer.status >= 300) throw new ApiCallError(answer);
  return answer.body;
}
