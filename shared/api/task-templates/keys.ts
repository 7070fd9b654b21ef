import { scopeKey, type Scope } from '#shared/platform/table';

/** The table keys of this resource's items: SDK-free, so any module or the CDK can name them without loading the resource. */
/**
 * Task templates, versioned. The latest version is the item under the template's
 * reference (so a task's create reads it by the name it gives); every version also stays
 * as an immutable item under `reference#v000001`, since tasks pin the version they used.
 * The latest item alone is in the list index, sorted by the template's id.
 */
export const templateKeys = {
  pk: (scope: Scope) => `${scopeKey(scope)}#TEMPLATE`,
  latest: (scope: Scope, reference: string) => ({ pk: templateKeys.pk(scope), sk: reference }),
  version: (scope: Scope, reference: string, version: number) => ({
    pk: templateKeys.pk(scope),
    sk: `${templateKeys.versionPrefix(reference)}${String(version).padStart(6, '0')}`,
  }),
  /** What every version's sort key of a template starts with. */
  versionPrefix: (reference: string) => `${reference}#v`,
  listIndex: (scope: Scope) => `${scopeKey(scope)}#TEMPLATE`,
};
