import type { APIGatewayProxyEvent } from 'aws-lambda';

/**
 * What the middlewares of one request tell each other, kept beside the event (the one object
 * every layer of a request sees, nested middy handlers included) and dropped with it.
 */
export interface RequestState {
  /** Headers every answer to this request carries, whatever produced the answer. */
  headers: Record<string, string>;
  /** The API version the request is served at, once the versioning middleware chose it. */
  version?: string;
  /** True when the answer is a stored one, replayed for an idempotency key. */
  replayed?: boolean;
}

const states = new WeakMap<APIGatewayProxyEvent, RequestState>();

export function requestState(event: APIGatewayProxyEvent): RequestState {
  let state = states.get(event);
  if (!state) {
    state = { headers: {} };
    states.set(event, state);
  }
  return state;
}

/** A request header by name, whatever letter case the client (or API Gateway) gave it. */
export function requestHeader(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}
