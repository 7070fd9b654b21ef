// Deep equality that ignores key order: DynamoDB keeps none in maps.
import { isDeepStrictEqual } from 'node:util';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { tableName } from '#shared/platform/config';
import { objectFromItem } from '#shared/platform/items';
import { batchGet, cancelledItem, db, failedConditions, assertFits } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';
import { eventItem, type EventType } from '#shared/api/webhooks/outbox';
import { assertFileReferences } from '#shared/api/tasks/file-references';
import { isId, newId } from '#shared/platform/ids';
import { schemaErrors } from '#shared/api/json-schema';
import { memberKeys } from '#shared/api/members/keys';
import { mergeMetadata } from '#shared/api/metadata';
import { ConcurrentChange, withRetries } from '#shared/platform/optimistic';
import { queryPage, type ListFilter, type ListSource, type Page } from '#shared/platform/pagination';
import { scopeKey, type Scope } from '#shared/platform/table';
import { templateKeys } from '#shared/api/task-templates/keys';
import {
  task as taskSchema,
  type CreateTaskInput,
  type ListTasksQuery,
  type Task,
  type TaskStatus,
  type UpdateTaskInput,
} from '#shared/api/tasks/schemas';
import { timestamp } from '#shared/platform/time';
import { userKeys } from '#shared/api/users/keys';
import { taskKeys } from '#shared/api/tasks/keys';
import { isTemplateReference, type TaskTemplate } from '#shared/api/task-templates/schemas';

/**
 * Tasks. One item per task in its organization and mode, sorted by id, indexed by status
 * (gsi1), member (gsi2) and assignee (gsi3) so that each list filter is a Query.
 *
 * Every change is one transaction that carries its event item (the outbox) and, where the
 * change relies on another object, a condition check on it: a task is never created for a
 * member deleted a moment before, nor assigned to a user deactivated a moment before.
 */
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

interface TaskItem extends Task {
  version: number;
}

/** ready -> in_progress -> completed, and ready -> completed; deleting is its own endpoint. */
const NEXT_STATUSES: Record<TaskStatus, TaskStatus[]> = {
  ready: ['in_progress', 'completed', 'deleted'],
  in_progress: ['completed', 'deleted'],
  completed: [],
  deleted: [],
};

export const fromItem = objectFromItem(taskSchema);

export function toItem(scope: Scope, task: Task, version: number): Record<string, unknown> {
  return {
    ...taskKeys.key(scope, task.id),
    entity: 'task',
    version,
    gsi1pk: taskKeys.byStatus(scope, task.status),
    gsi1sk: task.id,
    ...(task.member && { gsi2pk: taskKeys.byMember(scope, task.member), gsi2sk: task.id }),
    ...(task.assigned_to && { gsi3pk: taskKeys.byAssignee(scope, task.assigned_to), gsi3sk: task.id }),
    ...task,
  };
}

export async function createTask(scope: Scope, input: CreateTaskInput): Promise<Task> {
  const references = await loadReferences(scope, {
    template: input.template,
    templateVersion: input.template_version,
    member: input.member ?? undefined,
    user: input.assigned_to ?? undefined,
  });
  const template = references.template!;
  const parameters = input.parameters ?? {};
  checkParameters(template, parameters);
  const now = timestamp();
  const task: Task = {
    id: newId('task'),
    template: template.reference,
    template_version: template.version,
    status: 'ready',
    priority: input.priority,
    assigned_to: input.assigned_to ?? null,
    created_by: null,
    member: input.member ?? null,
    description: input.description ?? null,
    parameters,
    data: {},
    external_url: input.external_url ?? null,
    live_mode: scope.mode === 'live',
    metadata: mergeMetadata({}, input.metadata),
    created_at: now,
    updated_at: now,
    status_transitions: [],
  };
  await commit(scope, task, 'tasks.created', {
    version: 0,
    sent: Object.keys(input),
    checkMember: task.member,
    checkUser: task.assigned_to,
  });
  return task;
}

export async function getTask(scope: Scope, id: string): Promise<Task> {
  return fromItem(await readItem(scope, id));
}

export async function updateTask(scope: Scope, id: string, input: UpdateTaskInput): Promise<Task> {
  return withRetries(async () => {
    const current = await readItem(scope, id);
    refuseIfFinished(current);
    const next: Task = { ...fromItem(current) };

    const versionChanges = input.template_version !== undefined && input.template_version !== current.template_version;
    const parametersChange =
      input.parameters !== undefined && !isDeepStrictEqual(input.parameters, current.parameters);
    if ((versionChanges || parametersChange) && current.status !== 'ready') {
      throw errors.invalidStatus(
        `The ${versionChanges ? 'template_version' : 'parameters'} of a task can change only while it is ready; task ${id} is ${current.status}.`,
      );
    }
    const assigneeChanges = input.assigned_to !== undefined && input.assigned_to !== current.assigned_to;
    const references = await loadReferences(scope, {
      template: versionChanges || parametersChange ? current.template : undefined,
      templateVersion: versionChanges ? input.template_version : parametersChange ? current.template_version : undefined,
      user: assigneeChanges ? (input.assigned_to ?? undefined) : undefined,
    });
    if (input.template_version !== undefined) next.template_version = input.template_version;
    if (input.parameters !== undefined) next.parameters = input.parameters;
    if (references.template) checkParameters(references.template, next.parameters);
    if (input.assigned_to !== undefined) next.assigned_to = input.assigned_to;
    if (input.priority !== undefined) next.priority = input.priority;
    if (input.description !== undefined) next.description = input.description;
    if (input.external_url !== undefined) next.external_url = input.external_url;
    // File ids in the data must be files of this organization and mode.
    if (input.data !== undefined) await assertFileReferences(scope, input.data);
    if (input.data !== undefined) next.data = input.data;
    if (input.metadata !== undefined) {
      next.metadata = input.metadata === null ? {} : mergeMetadata(current.metadata, input.metadata);
    }
    const moved = input.status !== undefined && input.status !== current.status ? moveTo(next, input.status) : next;
    if (isDeepStrictEqual(moved, fromItem(current))) return moved;
    moved.updated_at = timestamp();
    const event: EventType = moved.status === 'completed' ? 'tasks.completed' : 'tasks.updated';
    await commit(scope, moved, event, {
      version: current.version,
      sent: Object.keys(input),
      checkUser: assigneeChanges ? moved.assigned_to : null,
    });
    return moved;
  });
}

export async function deleteTask(scope: Scope, id: string): Promise<Task> {
  return withRetries(async () => {
    const current = await readItem(scope, id);
    refuseIfFinished(current);
    const deleted = moveTo(fromItem(current), 'deleted');
    await commit(scope, deleted, 'tasks.deleted', { version: current.version, sent: [] });
    return deleted;
  });
}

/** The most selective filter picks the index; any other filter is applied to what it reads. */
export function listTasks(scope: Scope, query: ListTasksQuery): Promise<Page<Task>> {
  const { status, member, assigned_to: assignee } = query;
  if (member !== undefined && !isId('member', member)) {
    throw errors.invalidParams([{ param: 'member', message: 'member must be the id of a member' }]);
  }
  if (assignee !== undefined && !isId('user', assignee)) {
    throw errors.invalidParams([{ param: 'assigned_to', message: 'assigned_to must be the id of a user' }]);
  }
  const filters: { attribute: string; value: string }[] = [];
  let source: ListSource;
  if (assignee !== undefined) {
    source = { index: 'gsi3', partitionKey: 'gsi3pk', partitionValue: taskKeys.byAssignee(scope, assignee), idKey: 'gsi3sk' };
    if (member !== undefined) filters.push({ attribute: 'member', value: member });
    if (status !== undefined) filters.push({ attribute: 'status', value: status });
  } else if (member !== undefined) {
    source = { index: 'gsi2', partitionKey: 'gsi2pk', partitionValue: taskKeys.byMember(scope, member), idKey: 'gsi2sk' };
    if (status !== undefined) filters.push({ attribute: 'status', value: status });
  } else if (status !== undefined) {
    source = { index: 'gsi1', partitionKey: 'gsi1pk', partitionValue: taskKeys.byStatus(scope, status), idKey: 'gsi1sk' };
  } else {
    source = { partitionKey: 'pk', partitionValue: taskKeys.pk(scope), idKey: 'sk' };
  }
  const filter: ListFilter | undefined = filters.length
    ? {
        expression: filters.map((_, i) => `#f${i} = :f${i}`).join(' AND '),
        names: Object.fromEntries(filters.map((f, i) => [`#f${i}`, f.attribute])),
        values: Object.fromEntries(filters.map((f, i) => [`:f${i}`, f.value])),
      }
    : undefined;
  return queryPage({ kind: 'task', request: query, source, filter, fromItem });
}

async function readItem(scope: Scope, id: string): Promise<TaskItem> {
  if (!isId('task', id)) throw errors.notFound('task', id);
  const { Item } = await db().send(new GetCommand({ TableName: tableName(), Key: taskKeys.key(scope, id), ConsistentRead: true }));
  if (!Item) throw errors.notFound('task', id);
  return Item as TaskItem;
}

function refuseIfFinished(task: Task): void {
  if (task.status === 'completed' || task.status === 'deleted') {
    throw errors.invalidStatus(`Task ${task.id} is ${task.status} and cannot be changed.`);
  }
}

function moveTo(task: Task, status: TaskStatus): Task {
  if (!NEXT_STATUSES[task.status].includes(status)) {
    throw errors.invalidStatus(`A task cannot move from ${task.status} to ${status}.`);
  }
  const at = timestamp();
  return {
    ...task,
    status,
    status_transitions: [...task.status_transitions, { to: status, from: task.status, timestamp: at }],
    updated_at: at,
  };
}

function checkParameters(template: TaskTemplate, parameters: Record<string, unknown>): void {
  if (!template.parameters) return;
  const problems = schemaErrors(template.parameters, parameters, 'parameters');
  if (!problems) throw errors.templateSchemaUnsupported(template.reference, template.version);
  if (problems.length) throw errors.invalidParams(problems);
}

/**
 * The template a task names (latest or a given version), read in one call. The member and
 * the assignee are not read: the task's write checks them (see commit), and a failed check
 * says which one and why, so the call reads only what it returns. Ids of the wrong form are
 * refused here, before any call.
 */
async function loadReferences(
  scope: Scope,
  wanted: { template?: string; templateVersion?: number; member?: string; user?: string },
): Promise<{ template?: TaskTemplate }> {
  const { template, templateVersion, member, user } = wanted;
  if (member !== undefined && !isId('member', member)) throw memberNotFound(member);
  if (user !== undefined && !isId('user', user)) throw userNotFound(user);
  if (template === undefined) return {};
  // A name no template can have (`name#v000001` is a version's key) is no template.
  if (!isTemplateReference(template)) throw templateNotFound(scope, template);
  const latestKey = templateKeys.latest(scope, template);
  const versionKey = templateVersion !== undefined ? templateKeys.version(scope, template, templateVersion) : undefined;
  const find = await batchGet(versionKey ? [latestKey, versionKey] : [latestKey]);
  const latest = find(latestKey) as TaskTemplate | undefined;
  if (!latest) throw templateNotFound(scope, template);
  if (!versionKey) return { template: latest };
  const found = find(versionKey) as TaskTemplate | undefined;
  if (!found) {
    throw errors.invalidParams([
      {
        param: 'template_version',
        message: `Task template '${template}' has no version ${templateVersion}; its latest is ${latest.version}.`,
      },
    ]);
  }
  return { template: found };
}

const templateNotFound = (scope: Scope, reference: string) =>
  errors.referenceNotFound(
    'task_template_not_found',
    'template',
    `No task template with the reference '${reference}' exists in ${scope.mode} mode.`,
  );
const memberNotFound = (id: string) =>
  errors.referenceNotFound('member_not_found', 'member', `No member with the id '${id}' exists in this mode.`);
const userNotFound = (id: string) =>
  errors.referenceNotFound('user_not_found', 'assigned_to', `No user with the id '${id}' exists in this organization.`);
const userNotPermitted = (id: string, status: string) =>
  errors.userNotPermitted('assigned_to', `User ${id} is ${status}; only active users can be assigned tasks.`);

/**
 * The one write of a task change: the task (conditional on the version read), its event,
 * and checks that the member and assignee it now relies on exist and are fit. A failed check
 * hands back the item it checked (or nothing, when there is none), which names the error.
 * Both items carry the whole task, so both must fit (`sent`: the request's fields, to name).
 */
async function commit(
  scope: Scope,
  task: Task,
  event: EventType,
  options: { version: number; sent: string[]; checkMember?: string | null; checkUser?: string | null },
): Promise<void> {
  const taskItem = toItem(scope, task, options.version + 1);
  const outboxItem = eventItem(scope, event, task);
  assertFits('task', task, [taskItem, outboxItem], options.sent);
  const items: TransactItem[] = [
    {
      Put: {
        TableName: tableName(),
        Item: taskItem,
        ...(options.version === 0
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': options.version } }),
      },
    },
    { Put: { TableName: tableName(), Item: outboxItem } },
  ];
  const checks: ((checked: Record<string, unknown> | undefined) => Error)[] = [];
  if (options.checkMember) {
    const member = options.checkMember;
    items.push({
      ConditionCheck: {
        TableName: tableName(),
        Key: memberKeys.key(scope, member),
        ConditionExpression: 'attribute_exists(pk) AND #status <> :deleted',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':deleted': 'deleted' },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    });
    checks[items.length - 1] = (checked) =>
      checked ? errors.invalidStatus(`Member ${member} is deleted; tasks cannot name it.`) : memberNotFound(member);
  }
  if (options.checkUser) {
    const user = options.checkUser;
    items.push({
      ConditionCheck: {
        TableName: tableName(),
        Key: userKeys.key(scope.organizationId, user),
        ConditionExpression: '#status = :active',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':active': 'active' },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    });
    checks[items.length - 1] = (checked) => (checked ? userNotPermitted(user, String(checked.status)) : userNotFound(user));
  }
  try {
    await db().send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    const failed = failedConditions(error);
    if (!failed?.length) throw error;
    const index = failed.find((i) => checks[i]);
    if (index !== undefined) throw checks[index]!(cancelledItem(error, index));
    throw new ConcurrentChange();
  }
}
