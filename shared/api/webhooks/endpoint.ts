// Deep equality that ignores key order: DynamoDB keeps none in maps.
import { isDeepStrictEqual } from 'node:util';
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { tableName } from '#shared/platform/config';
import { assertFits, db, failedConditions, isConditionFailure, isTransactionConflict, queryAll } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';
import type { EventType } from '#shared/api/webhooks/outbox';
import { isId, newId } from '#shared/platform/ids';
import { mergeMetadata } from '#shared/api/metadata';
import { ConcurrentChange, withRetries } from '#shared/platform/optimistic';
import { queryPage, type Page, type PageRequest } from '#shared/platform/pagination';
import { scopeKey, type Scope } from '#shared/platform/table';
import { timestamp } from '#shared/platform/time';
import type {
  CreateWebhookEndpointInput,
  DisabledReason,
  UpdateWebhookEndpointInput,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
} from '#shared/api/webhooks/schemas';
import { PREVIOUS_SECRET_VALIDITY_SECONDS, urlPolicy } from '#shared/api/webhooks/settings';
import { generateSecret } from '#shared/api/webhooks/signing';
import { checkUrl } from '#shared/api/webhooks/url-policy';
import { endpointKeys } from '#shared/api/webhooks/keys';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * Items a caller writes in the same transaction as a change of an endpoint (the management
 * API's audit item), made from the endpoint as changed; never called when nothing changes.
 * `before` is the endpoint as it was, absent on a create.
 */
export type AlsoWrite = (change: { before?: WebhookEndpoint; after: WebhookEndpoint }) => TransactItem[];

/**
 * Webhook endpoints: one item per endpoint in the partition of its organization and mode,
 * sorted by id, so that the event router finds the subscribers of an event with one Query.
 *
 * The item keeps the signing secret (and, for 24 hours after a rotation, the previous one)
 * in the clear: signing needs the secret itself, so the table's encryption at rest is its
 * protection, and the API shows a secret only when it is made (create, rotate).
 *
 * Every write, by the API or by the sender (disabling, failure counts), is conditional on
 * the item's version and moves it on, so no write is lost to another.
 */
export interface EndpointItem extends Omit<WebhookEndpoint, 'previous_secret_expires_at'> {
  pk: string;
  sk: string;
  entity: 'webhook_endpoint';
  version: number;
  organization_id: string;
  mode: Scope['mode'];
  secret: string;
  previous_secret?: string;
  /** Unix seconds. */
  previous_secret_expires_at?: number;
  /** Deliveries that failed in a row, each after its whole schedule; reset by a success. */
  consecutive_failed_deliveries: number;
}

export function fromItem(item: object, now: number = Date.now()): WebhookEndpoint {
  const e = item as EndpointItem;
  return {
    id: e.id,
    url: e.url,
    events: e.events,
    description: e.description,
    status: e.status,
    disabled_reason: e.disabled_reason ?? null,
    live_mode: e.live_mode,
    metadata: e.metadata,
    created_at: e.created_at,
    updated_at: e.updated_at,
    previous_secret_expires_at: previousSecretValid(e, now) ? timestamp(new Date(e.previous_secret_expires_at! * 1000)) : null,
  };
}

function previousSecretValid(item: EndpointItem, now: number): boolean {
  return Boolean(item.previous_secret && item.previous_secret_expires_at && item.previous_secret_expires_at * 1000 > now);
}

/** The secrets that sign a delivery now: the current one first, then the previous while valid. */
export function signingSecrets(item: EndpointItem, now: number = Date.now()): string[] {
  return previousSecretValid(item, now) ? [item.secret, item.previous_secret!] : [item.secret];
}

export function listensTo(item: Pick<EndpointItem, 'events'>, event: EventType): boolean {
  return item.events.includes(event);
}

async function refuseUrl(url: string): Promise<void> {
  const problem = await checkUrl(url, urlPolicy());
  if (problem) throw errors.invalidParams([{ param: 'url', message: problem }]);
}

export async function createEndpoint(
  scope: Scope,
  input: CreateWebhookEndpointInput,
  also?: AlsoWrite,
): Promise<WebhookEndpointWithSecret> {
  await refuseUrl(input.url);
  const now = timestamp();
  const item: EndpointItem = {
    ...endpointKeys.key(scope, ''),
    entity: 'webhook_endpoint',
    version: 1,
    organization_id: scope.organizationId,
    mode: scope.mode,
    id: newId('webhookEndpoint'),
    url: input.url,
    events: input.events,
    description: input.description ?? null,
    status: 'enabled',
    disabled_reason: null,
    live_mode: scope.mode === 'live',
    metadata: mergeMetadata({}, input.metadata),
    created_at: now,
    updated_at: now,
    secret: generateSecret(),
    consecutive_failed_deliveries: 0,
  };
  item.sk = item.id;
  assertFits('webhook endpoint', fromItem(item), [item], Object.keys(input));
  const put = { TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' };
  const extra = also?.({ after: fromItem(item) }) ?? [];
  if (extra.length) await db().send(new TransactWriteCommand({ TransactItems: [{ Put: put }, ...extra] }));
  else await db().send(new PutCommand(put));
  return { ...fromItem(item), secret: item.secret };
}

export async function readEndpoint(scope: Scope, id: string): Promise<EndpointItem | undefined> {
  if (!isId('webhookEndpoint', id)) return undefined;
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: endpointKeys.key(scope, id), ConsistentRead: true }),
  );
  return Item as EndpointItem | undefined;
}

async function requireEndpoint(scope: Scope, id: string): Promise<EndpointItem> {
  const item = await readEndpoint(scope, id);
  if (!item) throw errors.notFound('webhook endpoint', id);
  return item;
}

export async function getEndpoint(scope: Scope, id: string): Promise<WebhookEndpoint> {
  return fromItem(await requireEndpoint(scope, id));
}

export function listEndpoints(scope: Scope, request: PageRequest): Promise<Page<WebhookEndpoint>> {
  return queryPage({
    kind: 'webhookEndpoint',
    request,
    source: { partitionKey: 'pk', partitionValue: endpointKeys.pk(scope), idKey: 'sk' },
    fromItem: (item) => fromItem(item),
  });
}

/** Every endpoint of an organization and mode, for the event router: one Query (paged if need be). */
export async function allEndpoints(scope: Scope): Promise<EndpointItem[]> {
  return queryAll<EndpointItem>(endpointKeys.pk(scope));
}

export async function updateEndpoint(
  scope: Scope,
  id: string,
  input: UpdateWebhookEndpointInput,
  also?: AlsoWrite,
): Promise<WebhookEndpoint> {
  if (input.url !== undefined) await refuseUrl(input.url);
  return withRetries(async () => {
    const current = await requireEndpoint(scope, id);
    const next: EndpointItem = { ...current };
    if (input.url !== undefined) next.url = input.url;
    if (input.events !== undefined) next.events = input.events;
    if (input.description !== undefined) next.description = input.description;
    if (input.metadata !== undefined) {
      next.metadata = input.metadata === null ? {} : mergeMetadata(current.metadata, input.metadata);
    }
    if (input.status !== undefined && input.status !== current.status) {
      next.status = input.status;
      next.disabled_reason = input.status === 'disabled' ? 'requested' : null;
      // A fresh start: the failures that disabled it are history.
      if (input.status === 'enabled') next.consecutive_failed_deliveries = 0;
    }
    if (isDeepStrictEqual(fromItem(next), fromItem(current))) return fromItem(current);
    next.updated_at = timestamp();
    await writeNext(current, next, Object.keys(input), also);
    return fromItem(next);
  });
}

/**
 * A new secret; the one it replaces keeps signing (alongside) for 24 hours, so receivers can
 * switch without losing a delivery. An older previous secret is dropped.
 */
export async function rotateSecret(scope: Scope, id: string, also?: AlsoWrite): Promise<WebhookEndpointWithSecret> {
  return withRetries(async () => {
    const current = await requireEndpoint(scope, id);
    const now = Date.now();
    const next: EndpointItem = {
      ...current,
      secret: generateSecret(),
      previous_secret: current.secret,
      previous_secret_expires_at: Math.floor(now / 1000) + PREVIOUS_SECRET_VALIDITY_SECONDS,
      updated_at: timestamp(new Date(now)),
    };
    await writeNext(current, next, [], also);
    return { ...fromItem(next, now), secret: next.secret };
  });
}

/** Deleting removes the endpoint and its secrets; its deliveries stay readable with the events. */
export async function deleteEndpoint(scope: Scope, id: string, also?: AlsoWrite): Promise<WebhookEndpoint> {
  return withRetries(async () => {
    const current = await requireEndpoint(scope, id);
    const deleted: WebhookEndpoint = { ...fromItem(current), status: 'deleted', disabled_reason: null, updated_at: timestamp() };
    const remove = {
      TableName: tableName(),
      Key: endpointKeys.key(scope, id),
      ConditionExpression: 'version = :version',
      ExpressionAttributeValues: { ':version': current.version },
    };
    await conditionalWrite({ Delete: remove }, also?.({ before: fromItem(current), after: deleted }) ?? []);
    return deleted;
  });
}

/** `sent`: the request's fields, to name when the endpoint would outgrow its item. */
async function writeNext(current: EndpointItem, next: EndpointItem, sent: string[], also?: AlsoWrite): Promise<void> {
  const item = { ...next, version: current.version + 1 };
  assertFits('webhook endpoint', fromItem(item), [item], sent);
  const put = {
    TableName: tableName(),
    Item: item,
    ConditionExpression: 'version = :version',
    ExpressionAttributeValues: { ':version': current.version },
  };
  await conditionalWrite({ Put: put }, also?.({ before: fromItem(current), after: fromItem(item) }) ?? []);
}

/**
 * One write conditional on the version read, alone or in one transaction with the caller's
 * items; a lost race either way (the condition, or another transaction on the item at that
 * moment) is a ConcurrentChange, retried on fresh data.
 */
async function conditionalWrite(write: TransactItem, extra: TransactItem[]): Promise<void> {
  try {
    if (extra.length) await db().send(new TransactWriteCommand({ TransactItems: [write, ...extra] }));
    else if (write.Put) await db().send(new PutCommand(write.Put));
    else await db().send(new DeleteCommand(write.Delete!));
  } catch (error) {
    if (isConditionFailure(error) || failedConditions(error)?.includes(0) || isTransactionConflict(error)) throw new ConcurrentChange();
    throw error;
  }
}

/**
 * The sender's writes. Each is one conditional UpdateItem that moves the version on, so an
 * API update in between retries on fresh data instead of overwriting it.
 */
export async function disableEndpoint(scope: Scope, id: string, reason: DisabledReason): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: endpointKeys.key(scope, id),
        UpdateExpression: 'SET #status = :disabled, disabled_reason = :reason, updated_at = :now ADD version :one',
        ConditionExpression: '#status = :enabled',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':disabled': 'disabled', ':enabled': 'enabled', ':reason': reason, ':now': timestamp(), ':one': 1 },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Counts a finally failed delivery; disables the endpoint once `threshold` failed in a row. */
export async function countFailedDelivery(scope: Scope, id: string, threshold: number): Promise<boolean> {
  let count: number;
  try {
    const { Attributes } = await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: endpointKeys.key(scope, id),
        UpdateExpression: 'ADD consecutive_failed_deliveries :one, version :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    count = Number(Attributes?.consecutive_failed_deliveries ?? 0);
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
  return count >= threshold ? disableEndpoint(scope, id, 'failing') : false;
}

/** A success ends a run of failures. Called only when the count is above zero. */
export async function resetFailedDeliveries(scope: Scope, id: string): Promise<void> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: endpointKeys.key(scope, id),
        UpdateExpression: 'SET consecutive_failed_deliveries = :zero ADD version :one',
        ConditionExpression: 'consecutive_failed_deliveries > :zero',
        ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}
