import {
  createTaskTemplate,
  getTaskTemplate,
  listTaskTemplates,
  listTaskTemplateVersions,
  updateTaskTemplate,
  type AlsoWrite,
} from '#shared/api/task-templates/template';
import type { CreateTaskTemplateInput, UpdateTaskTemplateInput } from '#shared/api/task-templates/schemas';
import type { SessionPrincipal } from '#shared/identity/principal';
import {
  assertSameId,
  auditWrite,
  CURSOR_PARAMS,
  inRequestTerms,
  kebab,
  listAnswer,
  pageRequest,
  scopeOf,
  type Caller,
  type CursorPageQuery,
} from '#shared/identity/scoped-resources';
import { taskTemplateResource } from '#shared/identity/task-templates/resource';
import type { Mode } from '#shared/platform/table';

/**
 * The management API's task templates: the public API's domain (shared/api/task-templates/
 * template.ts) called with the caller's organization and the mode the call names; each new
 * version is written with its audit item in one transaction.
 */
const ATTRIBUTES = { body: 'data.attributes' };

/** How many versions the get lists. */
export const LISTED_VERSIONS = 100;

const CHANGEABLE = ['name', 'description', 'renderless', 'parameters'] as const;

function audited(caller: Caller, mode: Mode): AlsoWrite {
  return ({ before, after }) => {
    const data: Record<string, string | number> = { mode, version: after.version, 'template-id': after.id };
    if (before) {
      data.changed = CHANGEABLE.filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
        .map(kebab)
        .join(',');
    }
    const action = before ? 'task_template.updated' : 'task_template.created';
    return [auditWrite(caller.principal, caller.source, action, { type: 'task-template', id: after.reference }, data)];
  };
}

export async function taskTemplateList(principal: SessionPrincipal, query: CursorPageQuery & { 'filter[mode]': Mode }) {
  const mode = query['filter[mode]'];
  // The public list pages by the templates' ids; a resource's id here is its reference.
  const page = await inRequestTerms({ body: '', query: CURSOR_PARAMS }, () => listTaskTemplates(scopeOf(principal, mode), pageRequest(query)));
  return listAnswer(page, query, '/v1/task-templates/', (template) => taskTemplateResource(mode, template), (template) => template.id);
}

/** The latest version (or `version`), with the list of versions in `meta`. */
export async function taskTemplateOf(principal: SessionPrincipal, mode: Mode, reference: string, version?: number) {
  const scope = scopeOf(principal, mode);
  const [template, versions] = await Promise.all([
    inRequestTerms({ body: '' }, () => getTaskTemplate(scope, reference, version)),
    listTaskTemplateVersions(scope, reference, LISTED_VERSIONS),
  ]);
  return {
    data: taskTemplateResource(mode, template),
    meta: { versions: versions.map((entry) => ({ version: entry.version, name: entry.name, 'updated-at': entry.updated_at })) },
  };
}

export async function createTemplate(caller: Caller, attributes: CreateTaskTemplateInput & { mode: Mode }) {
  const { mode, ...input } = attributes;
  const created = await inRequestTerms(ATTRIBUTES, () => createTaskTemplate(scopeOf(caller.principal, mode), input, audited(caller, mode)));
  return { data: taskTemplateResource(mode, created), meta: {} };
}

/** Every change makes a new version (the answer's `version`); a change that changes nothing makes none. */
export async function changeTemplate(caller: Caller, mode: Mode, reference: string, resource: { id?: string; attributes: UpdateTaskTemplateInput }) {
  assertSameId(resource.id, reference);
  const changed = await inRequestTerms(ATTRIBUTES, () =>
    updateTaskTemplate(scopeOf(caller.principal, mode), reference, resource.attributes, audited(caller, mode)),
  );
  return { data: taskTemplateResource(mode, changed), meta: {} };
}
