import { scopeKey, type Scope } from '#shared/platform/table';
import type { TaskStatus } from '#shared/api/tasks/schemas';

/** The table keys of this resource's items: SDK-free, so any module or the CDK can name them without loading the resource. */
export const taskKeys = {
  pk: (scope: Scope) => `${scopeKey(scope)}#TASK`,
  key: (scope: Scope, id: string) => ({ pk: taskKeys.pk(scope), sk: id }),
  byStatus: (scope: Scope, status: TaskStatus) => `${scopeKey(scope)}#TASK#status#${status}`,
  byMember: (scope: Scope, member: string) => `${scopeKey(scope)}#TASK#member#${member}`,
  byAssignee: (scope: Scope, user: string) => `${scopeKey(scope)}#TASK#assigned_to#${user}`,
};
