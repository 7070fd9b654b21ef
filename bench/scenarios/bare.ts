import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { BenchOrganization, RequestSpec } from '#bench/support/environment';
import { mapLimit } from '#bench/support/stats';
import { tableName } from '#shared/platform/config';
import { eventItem, type EventType } from '#shared/api/webhooks/outbox';
import { createMember } from '#shared/api/members/member';
import type { Scope } from '#shared/platform/table';
import { createTaskTemplate } from '#shared/api/task-templates/template';
import { createTask, toItem as taskToItem } from '#shared/api/tasks/task';
import { taskKeys } from '#shared/api/tasks/keys';
import type { Task } from '#shared/api/tasks/schemas';
import { timestamp } from '#shared/platform/time';

/**
 * What every scenario is made of (bench/scenarios.ts gathers them): the scenario types, the
 * bare handlers' plain document client and their shared steps, and the fixtures that make
 * the objects a call needs.
 */
export type BareResult = { statusCode: number; headers: Record<string, string>; body: string };

export interface ScenarioKind {
  /**
   * `getOne`: the "GET one = one item read" budget applies. `static`: an answer made from no
   * stored data (the OpenAPI document), whose least cost is nothing.
   */
  kind: 'getOne' | 'list' | 'create' | 'change' | 'static';
}

export interface PreparedScenario extends ScenarioKind {
  /** The next request; each call gets fresh data where the route needs it (a new email, a not yet deleted member). */
  request(): RequestSpec;
  /** The same DynamoDB calls as the real handler, bare. */
  bare(request: RequestSpec): Promise<BareResult>;
  /** More requests of this route worth a capacity row of their own (e.g. a filtered list). */
  variants?: { label: string; request: () => RequestSpec }[];
  /** Steps of the call worth timing alone (a login's password hash): warm overhead reports each as a share of the call. */
  parts?: { label: string; run: () => Promise<unknown> }[];
}

export interface Scenario extends ScenarioKind {
  /** Makes what the calls need in `org`; `calls` is how many requests will be asked for in all. */
  prepare(org: BenchOrganization, calls: number): Promise<PreparedScenario>;
}

let bareClient: DynamoDBDocumentClient | undefined;

/** A document client of its own, with the same marshalling options as shared/platform/db.ts. */
export function bareDb(): DynamoDBDocumentClient {
  bareClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
  return bareClient;
}

const BOOKKEEPING = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'entity', 'version', 'expires_at']);

export function objectOf(item: Record<string, unknown>): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) if (!BOOKKEEPING.has(name)) object[name] = value;
  return object;
}

export function json(statusCode: number, body: unknown): BareResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export const notFound = () => json(404, { type: 'invalid_request_error', message: 'not found' });

export async function bareGet(key: Record<string, string>, consistent: boolean): Promise<BareResult> {
  const { Item } = await bareDb().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: consistent || undefined }));
  return Item ? json(200, objectOf(Item)) : notFound();
}

export async function bareList(
  source: { index?: string; partitionKey: string; partitionValue: string },
  limit: number,
  filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> },
): Promise<BareResult> {
  const { Items = [] } = await bareDb().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: source.index,
      KeyConditionExpression: '#pk = :pk',
      FilterExpression: filter?.expression,
      ExpressionAttributeNames: { '#pk': source.partitionKey, ...filter?.names },
      ExpressionAttributeValues: { ':pk': source.partitionValue, ...filter?.values },
      ScanIndexForward: false,
      Limit: limit + 1,
    }),
  );
  return json(200, { has_next: Items.length > limit, data: Items.slice(0, limit).map(objectOf) });
}

let sequence = 0;
export const unique = () => `${Date.now().toString(36)}${(sequence++).toString(36)}${randomUUID().slice(0, 6)}`;

export const memberBody = () => ({
  name: 'Daisy Bench',
  email: `daisy.${unique()}@osma.bench`,
  date_of_birth: '1993-09-16',
  biological_sex: 'female',
  gender_identity: 'woman',
  metadata: { source: 'bench' },
});

export async function makeMembers(scope: Scope, count: number): Promise<string[]> {
  const made = await mapLimit(Array.from({ length: count }), 8, async () => (await createMember(scope, memberBody() as never)).id);
  return made;
}

export const TEMPLATE_PARAMETERS = {
  type: 'object',
  properties: { systolic: { type: 'integer', minimum: 0 }, diastolic: { type: 'integer', minimum: 0 }, unit: { type: 'string', enum: ['mmHg'] } },
  required: ['unit'],
};

export async function makeTemplate(scope: Scope, reference = `bp_${unique()}`) {
  return createTaskTemplate(scope, {
    reference,
    name: 'Update blood pressure',
    description: "Update the member's blood pressure",
    renderless: false,
    parameters: TEMPLATE_PARAMETERS,
  });
}

export interface TaskFixture {
  template: string;
  member: string;
  user: string;
}

export async function taskFixture(org: BenchOrganization): Promise<TaskFixture> {
  const template = await makeTemplate(org.scope);
  const [member] = await makeMembers(org.scope, 1);
  return { template: template.reference, member: member!, user: org.users.active.id };
}

export const taskBody = (fixture: TaskFixture) => ({
  template: fixture.template,
  description: "Update the member's blood pressure",
  member: fixture.member,
  assigned_to: fixture.user,
  priority: 'routine',
  parameters: { systolic: 120, diastolic: 80, unit: 'mmHg' },
  metadata: { source: 'bench' },
});

export async function makeTasks(org: BenchOrganization, fixture: TaskFixture, count: number): Promise<string[]> {
  return mapLimit(Array.from({ length: count }), 8, async () => (await createTask(org.scope, taskBody(fixture) as never)).id);
}

/** The bare handlers write the same items as the domain: the item mappers are shared, the middleware is not. */
export function eventPut(scope: Scope, event: EventType, data: Record<string, unknown>) {
  return { Put: { TableName: tableName(), Item: eventItem(scope, event, objectOf(data)) } };
}

/** Bare task change: read, apply, and the one transaction with its event. */
export async function bareTaskChange(scope: Scope, id: string, change: (task: Record<string, any>) => Record<string, any>, event: EventType) {
  const { Item } = await bareDb().send(new GetCommand({ TableName: tableName(), Key: taskKeys.key(scope, id), ConsistentRead: true }));
  if (!Item) return notFound();
  const next = { ...objectOf(Item), ...change(objectOf(Item)), updated_at: timestamp() };
  await bareDb().send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: tableName(),
            Item: taskToItem(scope, next as Task, (Item.version as number) + 1),
            ConditionExpression: 'version = :version',
            ExpressionAttributeValues: { ':version': Item.version },
          },
        },
        eventPut(scope, event, next),
      ],
    }),
  );
  return json(200, next);
}

export function pool(ids: string[]): () => string {
  return () => {
    const id = ids.pop();
    if (!id) throw new Error('The scenario ran out of prepared objects');
    return id;
  };
}

