import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  bareDb,
  bareGet,
  bareList,
  bareTaskChange,
  eventPut,
  json,
  makeMembers,
  makeTasks,
  makeTemplate,
  memberBody,
  notFound,
  objectOf,
  pool,
  taskBody,
  taskFixture,
  TEMPLATE_PARAMETERS,
  unique,
  type Scenario,
} from '#bench/scenarios/bare';
import { mapLimit } from '#bench/support/stats';
import { tableName } from '#shared/platform/config';
import { newId } from '#shared/platform/ids';
import { memberKeys } from '#shared/api/members/keys';
import { templateKeys } from '#shared/api/task-templates/keys';
import { deleteTask, toItem as taskToItem } from '#shared/api/tasks/task';
import { taskKeys } from '#shared/api/tasks/keys';
import type { Task } from '#shared/api/tasks/schemas';
import { timestamp } from '#shared/platform/time';
import { userKeys } from '#shared/api/users/keys';
import { BUILT_IN_ROLES, isBuiltInRole, roleKeys } from '#shared/identity/roles/keys';

/** Members, tasks, task templates and users: the spec's own resources. */
export const coreScenarios: Record<string, Scenario> = {
  createMember: {
    kind: 'create',
    async prepare(org) {
      const { scope } = org;
      return {
        kind: 'create',
        request: () => ({ body: memberBody() }),
        async bare(request) {
          const input = request.body as ReturnType<typeof memberBody>;
          const now = timestamp();
          const member = {
            id: newId('member'),
            created_at: now,
            updated_at: now,
            name: input.name,
            email: input.email,
            status: 'active',
            status_transitions: [],
            date_of_birth: input.date_of_birth,
            biological_sex: input.biological_sex,
            gender_identity: input.gender_identity,
            live_mode: false,
            metadata: input.metadata,
          };
          await bareDb().send(
            new TransactWriteCommand({
              TransactItems: [
                { Put: { TableName: tableName(), Item: { ...memberKeys.key(scope, member.id), entity: 'member', version: 1, ...member }, ConditionExpression: 'attribute_not_exists(pk)' } },
                { Put: { TableName: tableName(), Item: { ...memberKeys.emailLock(scope, member.email), member_id: member.id }, ConditionExpression: 'attribute_not_exists(pk)' } },
              ],
            }),
          );
          return json(201, member);
        },
      };
    },
  },

  getMember: {
    kind: 'getOne',
    async prepare(org) {
      const [id] = await makeMembers(org.scope, 1);
      return {
        kind: 'getOne',
        request: () => ({ pathParameters: { id: id! } }),
        bare: (request) => bareGet(memberKeys.key(org.scope, request.pathParameters!.id!), true),
      };
    },
  },

  updateMember: {
    kind: 'change',
    async prepare(org) {
      const [id] = await makeMembers(org.scope, 1);
      let n = 0;
      return {
        kind: 'change',
        request: () => ({ pathParameters: { id: id! }, body: { name: `Daisy Bench ${n++}` } }),
        async bare(request) {
          const key = memberKeys.key(org.scope, request.pathParameters!.id!);
          const { Item } = await bareDb().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
          if (!Item) return notFound();
          const next = { ...Item, name: (request.body as { name: string }).name, updated_at: timestamp(), version: (Item.version as number) + 1 };
          await bareDb().send(
            new PutCommand({ TableName: tableName(), Item: next, ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': Item.version } }),
          );
          return json(200, objectOf(next));
        },
      };
    },
  },

  deleteMember: {
    kind: 'change',
    async prepare(org, calls) {
      const take = pool(await makeMembers(org.scope, calls));
      return {
        kind: 'change',
        request: () => ({ pathParameters: { id: take() } }),
        async bare(request) {
          const key = memberKeys.key(org.scope, request.pathParameters!.id!);
          const { Item } = await bareDb().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
          if (!Item) return notFound();
          const at = timestamp();
          const next = {
            ...Item,
            status: 'deleted',
            status_transitions: [...(Item.status_transitions as object[]), { to: 'deleted', from: Item.status, timestamp: at }],
            updated_at: at,
            version: (Item.version as number) + 1,
          };
          await bareDb().send(
            new TransactWriteCommand({
              TransactItems: [
                { Put: { TableName: tableName(), Item: next, ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': Item.version } } },
                {
                  Delete: {
                    TableName: tableName(),
                    Key: memberKeys.emailLock(org.scope, Item.email as string),
                    ConditionExpression: 'attribute_not_exists(pk) OR member_id = :id',
                    ExpressionAttributeValues: { ':id': Item.id },
                  },
                },
              ],
            }),
          );
          return json(200, objectOf(next));
        },
      };
    },
  },

  listMembers: {
    kind: 'list',
    async prepare(org) {
      await makeMembers(org.scope, 25);
      return {
        kind: 'list',
        request: () => ({ query: { limit: '10' } }),
        bare: () => bareList({ partitionKey: 'pk', partitionValue: memberKeys.pk(org.scope) }, 10),
      };
    },
  },

  createTask: {
    kind: 'create',
    async prepare(org) {
      const fixture = await taskFixture(org);
      const { scope } = org;
      return {
        kind: 'create',
        request: () => ({ body: taskBody(fixture) }),
        async bare(request) {
          const input = request.body as ReturnType<typeof taskBody>;
          // The template only: the member and the assignee are checked by the write.
          const keys = [templateKeys.latest(scope, input.template)];
          const { Responses } = await bareDb().send(new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: keys, ConsistentRead: true } } }));
          const template = Responses?.[tableName()]?.[0];
          if (!template) return notFound();
          const now = timestamp();
          const task = {
            id: newId('task'),
            template: input.template,
            template_version: template.version,
            status: 'ready',
            priority: input.priority,
            assigned_to: input.assigned_to,
            created_by: null,
            member: input.member,
            description: input.description,
            parameters: input.parameters,
            data: {},
            external_url: null,
            live_mode: false,
            metadata: input.metadata,
            created_at: now,
            updated_at: now,
            status_transitions: [],
          };
          await bareDb().send(
            new TransactWriteCommand({
              TransactItems: [
                { Put: { TableName: tableName(), Item: taskToItem(scope, task as Task, 1), ConditionExpression: 'attribute_not_exists(pk)' } },
                eventPut(scope, 'tasks.created', task),
                {
                  ConditionCheck: {
                    TableName: tableName(),
                    Key: memberKeys.key(scope, input.member),
                    ConditionExpression: 'attribute_exists(pk) AND #status <> :deleted',
                    ExpressionAttributeNames: { '#status': 'status' },
                    ExpressionAttributeValues: { ':deleted': 'deleted' },
                  },
                },
                {
                  ConditionCheck: {
                    TableName: tableName(),
                    Key: userKeys.key(scope.organizationId, input.assigned_to),
                    ConditionExpression: '#status = :active',
                    ExpressionAttributeNames: { '#status': 'status' },
                    ExpressionAttributeValues: { ':active': 'active' },
                  },
                },
              ],
            }),
          );
          return json(201, task);
        },
      };
    },
  },

  getTask: {
    kind: 'getOne',
    async prepare(org) {
      const [id] = await makeTasks(org, await taskFixture(org), 1);
      return {
        kind: 'getOne',
        request: () => ({ pathParameters: { id: id! } }),
        bare: (request) => bareGet(taskKeys.key(org.scope, request.pathParameters!.id!), true),
      };
    },
  },

  updateTask: {
    kind: 'change',
    async prepare(org) {
      const [id] = await makeTasks(org, await taskFixture(org), 1);
      let n = 0;
      return {
        kind: 'change',
        request: () => ({ pathParameters: { id: id! }, body: { description: `Blood pressure, round ${n++}` } }),
        bare: (request) =>
          bareTaskChange(org.scope, request.pathParameters!.id!, () => ({ description: (request.body as { description: string }).description }), 'tasks.updated'),
      };
    },
  },

  deleteTask: {
    kind: 'change',
    async prepare(org, calls) {
      const take = pool(await makeTasks(org, await taskFixture(org), calls));
      return {
        kind: 'change',
        request: () => ({ pathParameters: { id: take() } }),
        bare: (request) =>
          bareTaskChange(
            org.scope,
            request.pathParameters!.id!,
            (task) => ({
              status: 'deleted',
              status_transitions: [...(task.status_transitions as object[]), { to: 'deleted', from: task.status, timestamp: timestamp() }],
            }),
            'tasks.deleted',
          ),
      };
    },
  },

  listTasks: {
    kind: 'list',
    async prepare(org) {
      const fixture = await taskFixture(org);
      await makeTasks(org, fixture, 25);
      // A second member's tasks, so that the member index holds more than one member's.
      // A second member with 20 tasks, 15 of them deleted: a list of its ready tasks filters
      // what the member index reads (docs/api.md: "such a page may read more items than it returns").
      const other = { ...fixture, member: (await makeMembers(org.scope, 1))[0]! };
      const otherTasks = await makeTasks(org, other, 20);
      await mapLimit(otherTasks.slice(0, 15), 8, (id) => deleteTask(org.scope, id));
      return {
        kind: 'list',
        request: () => ({ query: { limit: '10' } }),
        bare: () => bareList({ partitionKey: 'pk', partitionValue: taskKeys.pk(org.scope) }, 10),
        variants: [
          { label: 'listTasks ?status=ready', request: () => ({ query: { limit: '10', status: 'ready' } }) },
          { label: 'listTasks ?member=…&status=ready', request: () => ({ query: { limit: '10', member: other.member, status: 'ready' } }) },
        ],
      };
    },
  },

  createTaskTemplate: {
    kind: 'create',
    async prepare(org) {
      const { scope } = org;
      return {
        kind: 'create',
        request: () => ({ body: { reference: `bp_${unique()}`, name: 'Update blood pressure', description: "Update the member's blood pressure", parameters: TEMPLATE_PARAMETERS } }),
        async bare(request) {
          const input = request.body as { reference: string; name: string; description: string; parameters: object };
          const now = timestamp();
          const template = {
            id: newId('taskTemplate'),
            reference: input.reference,
            version: 1,
            name: input.name,
            description: input.description,
            renderless: false,
            parameters: input.parameters,
            live_mode: false,
            created_at: now,
            updated_at: now,
          };
          await bareDb().send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Put: {
                    TableName: tableName(),
                    Item: { ...templateKeys.latest(scope, template.reference), gsi1pk: templateKeys.listIndex(scope), gsi1sk: template.id, entity: 'task_template', ...template },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
                {
                  Put: {
                    TableName: tableName(),
                    Item: { ...templateKeys.version(scope, template.reference, 1), entity: 'task_template_version', ...template },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
              ],
            }),
          );
          return json(201, template);
        },
      };
    },
  },

  getTaskTemplate: {
    kind: 'getOne',
    async prepare(org) {
      const template = await makeTemplate(org.scope);
      return {
        kind: 'getOne',
        request: () => ({ pathParameters: { reference: template.reference } }),
        bare: (request) => bareGet(templateKeys.latest(org.scope, request.pathParameters!.reference!), true),
      };
    },
  },

  updateTaskTemplate: {
    kind: 'change',
    async prepare(org) {
      const template = await makeTemplate(org.scope);
      const { scope } = org;
      let n = 0;
      return {
        kind: 'change',
        request: () => ({ pathParameters: { reference: template.reference }, body: { name: `Update blood pressure ${n++}` } }),
        async bare(request) {
          const reference = request.pathParameters!.reference!;
          const { Item } = await bareDb().send(new GetCommand({ TableName: tableName(), Key: templateKeys.latest(scope, reference), ConsistentRead: true }));
          if (!Item) return notFound();
          const next = { ...objectOf(Item), name: (request.body as { name: string }).name, version: (Item.version as number) + 1, updated_at: timestamp() } as Record<string, any>;
          await bareDb().send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Put: {
                    TableName: tableName(),
                    Item: { ...templateKeys.latest(scope, reference), gsi1pk: templateKeys.listIndex(scope), gsi1sk: next.id, entity: 'task_template', ...next },
                    ConditionExpression: 'version = :previous',
                    ExpressionAttributeValues: { ':previous': Item.version },
                  },
                },
                {
                  Put: {
                    TableName: tableName(),
                    Item: { ...templateKeys.version(scope, reference, next.version), entity: 'task_template_version', ...next },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
              ],
            }),
          );
          return json(200, next);
        },
      };
    },
  },

  listTaskTemplates: {
    kind: 'list',
    async prepare(org) {
      await mapLimit(Array.from({ length: 12 }), 4, () => makeTemplate(org.scope));
      return {
        kind: 'list',
        request: () => ({ query: { limit: '10' } }),
        bare: () => bareList({ index: 'gsi1', partitionKey: 'gsi1pk', partitionValue: templateKeys.listIndex(org.scope) }, 10),
      };
    },
  },

  // A user with a custom job role (the bench's inactive one): its title costs one more read, a BatchGetItem.
  getUser: {
    kind: 'getOne',
    async prepare(org) {
      return {
        kind: 'getOne',
        request: () => ({ pathParameters: { id: org.users.inactive.id } }),
        bare: async (request) => {
          const { Item } = await bareDb().send(new GetCommand({ TableName: tableName(), Key: userKeys.key(org.organizationId, request.pathParameters!.id!) }));
          if (!Item) return notFound();
          return json(200, (await withBareRoleTitles(org.organizationId, [Item]))[0]);
        },
      };
    },
  },

  listUsers: {
    kind: 'list',
    async prepare(org) {
      return {
        kind: 'list',
        request: () => ({ query: { limit: '10' } }),
        bare: async () => {
          const { Items = [] } = await bareDb().send(
            new QueryCommand({
              TableName: tableName(),
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': userKeys.pk(org.organizationId) },
              ScanIndexForward: false,
              Limit: 11,
            }),
          );
          return json(200, { has_next: Items.length > 10, data: await withBareRoleTitles(org.organizationId, Items.slice(0, 10)) });
        },
      };
    },
  },
};

/** The users' objects with `roles[].title`: custom roles' items read in one eventually consistent BatchGetItem. */
async function withBareRoleTitles(organizationId: string, items: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const custom = [...new Set(items.flatMap((item) => (item.role_ids as string[]).filter((id) => id.startsWith('role_'))))];
  const titles = new Map<string, string>();
  if (custom.length) {
    const { Responses } = await bareDb().send(
      new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: custom.map((id) => roleKeys.role(organizationId, id)) } } }),
    );
    for (const role of Responses?.[tableName()] ?? []) titles.set(role.sk as string, role.display_name as string);
  }
  return items.map(({ role_ids, ...item }) => ({
    ...objectOf(item),
    roles: (role_ids as string[]).flatMap((id) => {
      const title = isBuiltInRole(id) ? BUILT_IN_ROLES[id].displayName : titles.get(id);
      return title === undefined ? [] : [{ title }];
    }),
  }));
}
