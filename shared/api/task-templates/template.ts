// Deep equality that ignores key order: DynamoDB keeps none in maps.
import { isDeepStrictEqual } from 'node:util';
import { GetCommand, QueryCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { tableName } from '#shared/platform/config';
import { objectFromItem } from '#shared/platform/items';
import { assertFits, db, failedConditions } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';
import { schemaProblems } from '#shared/api/json-schema';
import { newId } from '#shared/platform/ids';
import { queryPage, type Page, type PageRequest } from '#shared/platform/pagination';
import { scopeKey, type Scope } from '#shared/platform/table';
import { timestamp } from '#shared/platform/time';
import {
  isTemplateReference,
  taskTemplate,
  type CreateTaskTemplateInput,
  type TaskTemplate,
  type UpdateTaskTemplateInput,
} from '#shared/api/task-templates/schemas';
import { templateKeys } from '#shared/api/task-templates/keys';

export const fromItem = objectFromItem(taskTemplate);

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * Items a caller writes in the same transaction as a new version (the management API's audit
 * item), made from the template as written; never called when nothing changes. `before` is
 * the version it replaces, absent on a create.
 */
export type AlsoWrite = (change: { before?: TaskTemplate; after: TaskTemplate }) => TransactItem[];

const templateNotFound = (reference: string) => errors.notFound('task template', reference);

export async function createTaskTemplate(scope: Scope, input: CreateTaskTemplateInput, also?: AlsoWrite): Promise<TaskTemplate> {
  checkSchema(input.parameters);
  const now = timestamp();
  const template: TaskTemplate = {
    id: newId('taskTemplate'),
    reference: input.reference,
    version: 1,
    name: input.name,
    description: input.description ?? null,
    renderless: input.renderless,
    parameters: input.parameters ?? null,
    live_mode: scope.mode === 'live',
    created_at: now,
    updated_at: now,
  };
  try {
    await writeVersion(scope, template, Object.keys(input), 'attribute_not_exists(pk)', undefined, also?.({ after: template }));
  } catch (error) {
    if (failedConditions(error)?.length) {
      throw errors.alreadyExists(`A task template with the reference '${input.reference}' already exists.`, 'reference');
    }
    throw error;
  }
  return template;
}

/** The latest version, or the given one. */
export async function getTaskTemplate(scope: Scope, reference: string, version?: number): Promise<TaskTemplate> {
  // A reference no template can have (`name#v000001` is a version's key) names none.
  if (!isTemplateReference(reference)) throw templateNotFound(reference);
  const key = version === undefined ? templateKeys.latest(scope, reference) : templateKeys.version(scope, reference, version);
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
  if (!Item) {
    throw version === undefined
      ? templateNotFound(reference)
      : errors.notFound('task template version', `${reference} v${version}`);
  }
  return fromItem(Item);
}

/** Every change makes a new version; a change that changes nothing makes none. */
export async function updateTaskTemplate(
  scope: Scope,
  reference: string,
  input: UpdateTaskTemplateInput,
  also?: AlsoWrite,
): Promise<TaskTemplate> {
  checkSchema(input.parameters);
  const current = await getTaskTemplate(scope, reference);
  const next: TaskTemplate = {
    ...current,
    ...(input.name !== undefined && { name: input.name }),
    ...(input.description !== undefined && { description: input.description }),
    ...(input.renderless !== undefined && { renderless: input.renderless }),
    ...(input.parameters !== undefined && { parameters: input.parameters }),
  };
  if (isDeepStrictEqual(next, current)) return current;
  next.version = current.version + 1;
  next.updated_at = timestamp();
  try {
    await writeVersion(scope, next, Object.keys(input), 'version = :previous', { ':previous': current.version }, also?.({ before: current, after: next }));
  } catch (error) {
    if (failedConditions(error)?.length) {
      throw errors.concurrentChange();
    }
    throw error;
  }
  return next;
}

/** What the list of a template's versions says of each: enough to pick one to read whole. */
export interface TemplateVersionSummary {
  version: number;
  name: string;
  updated_at: string;
}

/**
 * The versions of a template, newest first, at most `limit` of them: one Query of its version
 * items (`reference#v000001`...; no reference holds a `#`, so no other template's are among
 * them), reading only the fields it answers with.
 */
export async function listTaskTemplateVersions(scope: Scope, reference: string, limit: number): Promise<TemplateVersionSummary[]> {
  if (!isTemplateReference(reference)) throw templateNotFound(reference);
  const { Items = [] } = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ProjectionExpression: 'version, #name, updated_at',
      ExpressionAttributeNames: { '#name': 'name' },
      ExpressionAttributeValues: { ':pk': templateKeys.pk(scope), ':prefix': templateKeys.versionPrefix(reference) },
      ScanIndexForward: false,
      ConsistentRead: true,
      Limit: limit,
    }),
  );
  return Items.map((item) => ({ version: Number(item.version), name: String(item.name), updated_at: String(item.updated_at) }));
}

export function listTaskTemplates(scope: Scope, request: PageRequest): Promise<Page<TaskTemplate>> {
  return queryPage({
    kind: 'taskTemplate',
    request,
    source: { index: 'gsi1', partitionKey: 'gsi1pk', partitionValue: templateKeys.listIndex(scope), idKey: 'gsi1sk' },
    fromItem,
  });
}

/**
 * The latest item and the immutable version item, in one transaction. Both carry the whole
 * template, so both must fit (`sent`: the request's fields, to name).
 */
async function writeVersion(
  scope: Scope,
  template: TaskTemplate,
  sent: string[],
  condition: string,
  values?: Record<string, unknown>,
  extra: TransactItem[] = [],
): Promise<void> {
  const latest = {
    ...templateKeys.latest(scope, template.reference),
    gsi1pk: templateKeys.listIndex(scope),
    gsi1sk: template.id,
    entity: 'task_template',
    ...template,
  };
  const version = { ...templateKeys.version(scope, template.reference, template.version), entity: 'task_template_version', ...template };
  assertFits('task template', template, [latest, version], sent);
  await db().send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: tableName(), Item: latest, ConditionExpression: condition, ExpressionAttributeValues: values } },
        { Put: { TableName: tableName(), Item: version, ConditionExpression: 'attribute_not_exists(pk)' } },
        ...extra,
      ],
    }),
  );
}

function checkSchema(parameters: object | null | undefined): void {
  const problems = parameters ? schemaProblems(parameters) : [];
  if (problems.length) throw errors.invalidParams(problems);
}
