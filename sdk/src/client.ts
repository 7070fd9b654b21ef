import createClient, { type Client } from 'openapi-fetch';
import { errorFromAnswer, OsmaApiError } from './errors.ts';
import { DEFAULT_RETRY_POLICY, retryingFetch, type RetryPolicy } from './retry.ts';
import type { components, operations, paths } from './schema.d.ts';
import * as webhooks from './webhooks.ts';

export const DEFAULT_API_BASE = 'http://localhost:3000';

export interface OsmaOptions {
  /** A secret key: `sk_test_...` or `sk_live_...`. */
  apiKey: string;
  /** Where the API answers; `OSMA_API_BASE`, then http://localhost:3000, when not given. */
  apiBase?: string;
  /** Pins every request of this client to an API version (`osma-api-version`, an ISO date). */
  apiVersion?: string;
  /** How many times a failed request is sent again (network failure, 409 in flight, 429, 5xx). Default 2. */
  maxRetries?: number;
  /** Backoff bounds in milliseconds (defaults 500 and 8000). */
  retryDelays?: { baseMs?: number; maxMs?: number };
  /** The fetch to send requests with (the global one by default). */
  fetch?: typeof fetch;
}

/** Per-call options, the last argument of every method. */
export interface RequestOptions {
  /** The POST's idempotency key; a random UUID when not given, reused by every retry. */
  idempotencyKey?: string;
  /** This call's API version, overriding the client's pin. */
  apiVersion?: string;
}

type Op = keyof operations;
type JsonOf<T> = T extends { content: { 'application/json': infer B } } ? B : never;
export type RequestBody<O extends Op> = JsonOf<NonNullable<operations[O]['requestBody']>>;
export type Query<O extends Op> = operations[O]['parameters'] extends { query?: infer Q } ? NonNullable<Q> : never;
export type Answer<O extends Op> = operations[O]['responses'] extends infer R
  ? R extends { 200: infer S } ? JsonOf<S> : R extends { 201: infer S } ? JsonOf<S> : never
  : never;
type ListItem<O extends Op> = Answer<O> extends { data: (infer I)[] } ? I : never;
export type Schemas = components['schemas'];

/**
 * One page of a list, with its `data` and `has_next`; iterating it with `for await` walks every
 * object of the list from this page on, fetching the next page (`starting_after` the page's last
 * object) as it goes.
 */
export interface Page<T> extends AsyncIterable<T> {
  data: T[];
  has_next: boolean;
  /** The next page, or undefined on the last one. */
  next(): Promise<Page<T> | undefined>;
}

function page<T>(first: { data: T[]; has_next: boolean }, fetchAfter: (cursor: string) => Promise<{ data: T[]; has_next: boolean }>, cursorOf: (item: T) => string): Page<T> {
  const next = async () => {
    const last = first.data.at(-1);
    if (!first.has_next || last === undefined) return undefined;
    return page(await fetchAfter(cursorOf(last)), fetchAfter, cursorOf);
  };
  return {
    data: first.data,
    has_next: first.has_next,
    next,
    async *[Symbol.asyncIterator]() {
      let current: Page<T> | undefined = this as Page<T>;
      while (current) {
        yield* current.data;
        current = await current.next();
      }
    },
  };
}

/**
 * What `list()` answers: await it for the first page, or iterate it directly with `for await` to
 * walk the whole list. The first page is fetched once, on the first `then` or iteration.
 */
export interface PagePromise<T> extends Promise<Page<T>>, AsyncIterable<T> {}

function pagePromise<T>(load: () => Promise<Page<T>>): PagePromise<T> {
  let loaded: Promise<Page<T>> | undefined;
  const first = () => (loaded ??= load());
  return {
    then: (onFulfilled, onRejected) => first().then(onFulfilled, onRejected),
    catch: (onRejected) => first().catch(onRejected),
    finally: (onFinally) => first().finally(onFinally),
    [Symbol.toStringTag]: 'PagePromise',
    async *[Symbol.asyncIterator]() {
      yield* await first();
    },
  } as PagePromise<T>;
}

type Method = 'GET' | 'POST' | 'DELETE';

/** The Osma API client: one resource object per resource, each method one route. */
export class Osma {
  /** Webhook signatures: `Osma.webhooks.constructEvent(rawBody, header, secret, toleranceSeconds)`, as Stripe's helper. */
  static readonly webhooks = webhooks;

  /** The openapi-fetch client underneath, typed from the API's document, for anything the resources do not cover. */
  readonly raw: Client<paths>;

  constructor(options: OsmaOptions) {
    if (!options?.apiKey) throw new TypeError('Osma needs an apiKey (sk_test_... or sk_live_...)');
    const policy: RetryPolicy = {
      maxRetries: options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
      baseDelayMs: options.retryDelays?.baseMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
      maxDelayMs: options.retryDelays?.maxMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    };
    const apiBase = (options.apiBase ?? globalThis.process?.env?.OSMA_API_BASE ?? DEFAULT_API_BASE).replace(/\/+$/, '');
    this.raw = createClient<paths>({
      baseUrl: apiBase,
      headers: { 'osma-api-key': options.apiKey, ...(options.apiVersion && { 'osma-api-version': options.apiVersion }) },
      fetch: retryingFetch(policy, options.fetch),
    });
    // Every POST carries an idempotency key, so that the retries above can never do it twice.
    this.raw.use({
      onRequest({ request }) {
        if (request.method === 'POST' && !request.headers.has('idempotency-key')) request.headers.set('idempotency-key', crypto.randomUUID());
        return request;
      },
    });
  }

  /** Sends one request and answers its parsed body, or throws the error class its answer names. */
  private async send<O extends Op>(
    method: Method,
    path: string,
    request: { path?: Record<string, string>; query?: object; body?: unknown },
    options: RequestOptions = {},
  ): Promise<Answer<O>> {
    const headers: Record<string, string> = {};
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    if (options.apiVersion) headers['osma-api-version'] = options.apiVersion;
    const init = {
      params: { path: request.path, query: request.query },
      headers,
      ...(method === 'POST' && { body: request.body ?? {} }),
    };
    // The route is chosen at run time here; the public methods below carry its types.
    const call = (this.raw as unknown as Record<Method, (path: string, init: unknown) => Promise<{ data?: unknown; error?: unknown; response: Response }>>)[method];
    const { data, error, response } = await call(path, init);
    if (!response.ok) throw errorFromAnswer(response.status, response.headers.get('request-id') ?? undefined, error);
    if (data === undefined) throw new OsmaApiError({ message: `The API answered ${response.status} without a body`, status: response.status, type: 'api_error' });
    return data as Answer<O>;
  }

  private list<O extends Op>(path: string, pathParams: Record<string, string> | undefined, query: object = {}, options?: RequestOptions, cursorOf: (item: ListItem<O>) => string = (item) => (item as { id: string }).id): PagePromise<ListItem<O>> {
    const fetchPage = (extra: object) => this.send<O>('GET', path, { path: pathParams, query: { ...query, ...extra } }, options) as Promise<{ data: ListItem<O>[]; has_next: boolean }>;
    return pagePromise(() => fetchPage({}).then((first) => page(first, (cursor) => fetchPage({ starting_after: cursor, ending_before: undefined }), cursorOf)));
  }

  readonly members = {
    create: (body: RequestBody<'createMember'>, options?: RequestOptions) => this.send<'createMember'>('POST', '/members', { body }, options),
    get: (id: string, options?: RequestOptions) => this.send<'getMember'>('GET', '/members/{id}', { path: { id } }, options),
    update: (id: string, body: RequestBody<'updateMember'>, options?: RequestOptions) => this.send<'updateMember'>('POST', '/members/{id}', { path: { id }, body }, options),
    delete: (id: string, options?: RequestOptions) => this.send<'deleteMember'>('DELETE', '/members/{id}', { path: { id } }, options),
    list: (query: Query<'listMembers'> = {}, options?: RequestOptions) => this.list<'listMembers'>('/members', undefined, query, options),
  };

  readonly tasks = {
    create: (body: RequestBody<'createTask'>, options?: RequestOptions) => this.send<'createTask'>('POST', '/tasks', { body }, options),
    get: (id: string, options?: RequestOptions) => this.send<'getTask'>('GET', '/tasks/{id}', { path: { id } }, options),
    update: (id: string, body: RequestBody<'updateTask'>, options?: RequestOptions) => this.send<'updateTask'>('POST', '/tasks/{id}', { path: { id }, body }, options),
    delete: (id: string, options?: RequestOptions) => this.send<'deleteTask'>('DELETE', '/tasks/{id}', { path: { id } }, options),
    list: (query: Query<'listTasks'> = {}, options?: RequestOptions) => this.list<'listTasks'>('/tasks', undefined, query, options),
  };

  readonly taskTemplates = {
    create: (body: RequestBody<'createTaskTemplate'>, options?: RequestOptions) => this.send<'createTaskTemplate'>('POST', '/task_templates', { body }, options),
    /** A template by its reference: the latest version, or `query.version`. */
    get: (reference: string, query: Query<'getTaskTemplate'> = {}, options?: RequestOptions) =>
      this.send<'getTaskTemplate'>('GET', '/task_templates/{reference}', { path: { reference }, query }, options),
    update: (reference: string, body: RequestBody<'updateTaskTemplate'>, options?: RequestOptions) =>
      this.send<'updateTaskTemplate'>('POST', '/task_templates/{reference}', { path: { reference }, body }, options),
    list: (query: Query<'listTaskTemplates'> = {}, options?: RequestOptions) => this.list<'listTaskTemplates'>('/task_templates', undefined, query, options),
  };

  readonly users = {
    get: (id: string, options?: RequestOptions) => this.send<'getUser'>('GET', '/users/{id}', { path: { id } }, options),
    list: (query: Query<'listUsers'> = {}, options?: RequestOptions) => this.list<'listUsers'>('/users', undefined, query, options),
  };

  readonly files = {
    create: (body: RequestBody<'createFile'>, options?: RequestOptions) => this.send<'createFile'>('POST', '/files', { body }, options),
    get: (id: string, options?: RequestOptions) => this.send<'getFile'>('GET', '/files/{id}', { path: { id } }, options),
  };

  readonly webhookEndpoints = {
    create: (body: RequestBody<'createWebhookEndpoint'>, options?: RequestOptions) => this.send<'createWebhookEndpoint'>('POST', '/webhook_endpoints', { body }, options),
    get: (id: string, options?: RequestOptions) => this.send<'getWebhookEndpoint'>('GET', '/webhook_endpoints/{id}', { path: { id } }, options),
    update: (id: string, body: RequestBody<'updateWebhookEndpoint'>, options?: RequestOptions) =>
      this.send<'updateWebhookEndpoint'>('POST', '/webhook_endpoints/{id}', { path: { id }, body }, options),
    delete: (id: string, options?: RequestOptions) => this.send<'deleteWebhookEndpoint'>('DELETE', '/webhook_endpoints/{id}', { path: { id } }, options),
    list: (query: Query<'listWebhookEndpoints'> = {}, options?: RequestOptions) => this.list<'listWebhookEndpoints'>('/webhook_endpoints', undefined, query, options),
    /** A new signing secret; the old one stops signing at once. */
    rotateSecret: (id: string, options?: RequestOptions) => this.send<'rotateWebhookEndpointSecret'>('POST', '/webhook_endpoints/{id}/rotate_secret', { path: { id } }, options),
  };

  readonly events = {
    get: (id: string, options?: RequestOptions) => this.send<'getEvent'>('GET', '/events/{id}', { path: { id } }, options),
    list: (query: Query<'listEvents'> = {}, options?: RequestOptions) => this.list<'listEvents'>('/events', undefined, query, options),
    /** The event's deliveries, one per endpoint; pages are cut by endpoint. */
    deliveries: (id: string, query: Query<'listEventDeliveries'> = {}, options?: RequestOptions) =>
      this.list<'listEventDeliveries'>('/events/{id}/deliveries', { id }, query, options, (delivery) => delivery.endpoint),
    /** Sends the event to one endpoint again, as a new series of attempts. */
    resend: (id: string, body: RequestBody<'resendEvent'>, options?: RequestOptions) => this.send<'resendEvent'>('POST', '/events/{id}/resend', { path: { id }, body }, options),
  };
}
