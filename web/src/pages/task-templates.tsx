import { useState } from 'preact/hooks';
import { api, isApiFailure, must } from '../api/client';
import type { paths } from '../api/schema';
import { Link, inMode, navigate, type Mode, type Place } from '../router';
import { can, type Me } from '../session';
import { Empty, ErrorView, formatTime, LoadStatus, PageHeading, Pager, useLoad } from '../ui';

type Template = paths['/v1/task-templates/']['get']['responses'][200]['content']['application/json']['data'][number];
type TemplateCreate = paths['/v1/task-templates/']['post']['requestBody']['content']['application/json']['data']['attributes'];
type TemplatePatch = NonNullable<paths['/v1/task-templates/{id}/']['patch']['requestBody']>['content']['application/json']['data']['attributes'];

const PAGE_LIMIT = 50;

/** The cursor a list's `links.next` carries (the page after the last one shown). */
function cursorOf(link: string | undefined): string | undefined {
  if (!link) return undefined;
  return new URL(link, location.origin).searchParams.get('page[after]') ?? undefined;
}

/** Task templates: the current mode's templates at their latest versions, newest first. */
export function TaskTemplates(props: { place: Place; me: Me }) {
  const { mode } = props.place;
  const manage = can(props.me, 'developers.manage');
  const [after, setAfter] = useState<string[]>([]);
  const cursor = after[after.length - 1];
  const list = useLoad(
    () =>
      must(
        api.GET('/v1/task-templates/', {
          params: { query: { 'filter[mode]': mode, 'page[limit]': PAGE_LIMIT, ...(cursor ? { 'page[after]': cursor } : {}) } },
        }),
      ),
    [mode, cursor],
  );
  const [creating, setCreating] = useState(false);
  const next = cursorOf(list.data?.links.next);

  return (
    <>
      <PageHeading>Task templates</PageHeading>
      <p>
        Templates for <strong>{mode === 'test' ? 'test mode' : 'live mode'}</strong>: tasks made in {mode} mode name them by their reference.
      </p>
      {manage && !creating && (
        <p>
          <button type="button" onClick={() => setCreating(true)}>
            Create template
          </button>
        </p>
      )}
      {creating && (
        <CreateTemplate
          mode={mode}
          onCancel={() => setCreating(false)}
          onCreated={(reference) => navigate(inMode(`/task-templates/${encodeURIComponent(reference)}`, mode))}
        />
      )}
      <LoadStatus state={list} what="the templates" />
      {list.data && list.data.data.length === 0 && <Empty>No {mode} template yet.</Empty>}
      {list.data && list.data.data.length > 0 && (
        <table>
          <caption class="visually-hidden">Task templates in {mode} mode</caption>
          <thead>
            <tr>
              <th scope="col">Reference</th>
              <th scope="col">Name</th>
              <th scope="col">Version</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {list.data.data.map((template) => (
              <tr key={template.id}>
                <td>
                  <Link href={inMode(`/task-templates/${encodeURIComponent(template.id)}`, mode)}>
                    <code>{template.attributes.reference}</code>
                  </Link>{' '}
                  {template.attributes.mode === 'test' && <span class="badge-test">Test</span>}
                </td>
                <td>{template.attributes.name}</td>
                <td>{template.attributes.version}</td>
                <td>{formatTime(template.attributes['updated-at'])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager
        of="templates"
        newer={after.length > 0 ? () => setAfter(after.slice(0, -1)) : undefined}
        older={next ? () => setAfter([...after, next]) : undefined}
      />
    </>
  );
}

/**
 * The parameters as the person typed them: empty is no schema; anything else must be a JSON
 * object (the API judges whether it is a usable JSON Schema, and its error is shown at its pointer).
 */
function parseParameters(text: string): { value: Record<string, unknown> | null } | { problem: string } {
  if (!text.trim()) return { value: null };
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'The parameters must be a JSON object (a JSON Schema).' };
    return { value: value as Record<string, unknown> };
  } catch (error) {
    return { problem: `This is not JSON: ${(error as Error).message}` };
  }
}

/** The fields of a template, shared by create and edit; a failure at a field's pointer is shown beside it. */
interface TemplateFields {
  reference: string;
  name: string;
  description: string;
  renderless: boolean;
  parameters: string;
}

function fieldOf(pointer: string | undefined): keyof TemplateFields | undefined {
  const field = pointer?.split('/')[3];
  return field === 'reference' || field === 'name' || field === 'description' || field === 'renderless' || field === 'parameters' ? field : undefined;
}

function TemplateForm(props: {
  title: string;
  submitLabel: string;
  initial: TemplateFields;
  withReference: boolean;
  onCancel: () => void;
  onSubmit: (fields: TemplateFields, parameters: Record<string, unknown> | null) => Promise<void>;
}) {
  const [fields, setFields] = useState(props.initial);
  const [failure, setFailure] = useState<unknown>();
  const [localProblem, setLocalProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof TemplateFields>(key: K, value: TemplateFields[K]) => setFields({ ...fields, [key]: value });
  const pointer = isApiFailure(failure) ? failure.pointer : undefined;
  const failedField = fieldOf(pointer);
  const fieldError = (field: keyof TemplateFields) =>
    failedField === field && isApiFailure(failure) ? (
      <p class="field-error" id={`template-${field}-error`}>
        {failure.detail} <span class="meta">(at <code>{pointer}</code>)</span>
      </p>
    ) : undefined;
  const described = (field: keyof TemplateFields) => (failedField === field ? `template-${field}-error` : undefined);

  const submit = async (event: Event) => {
    event.preventDefault();
    setFailure(undefined);
    const parsed = parseParameters(fields.parameters);
    if ('problem' in parsed) {
      setLocalProblem(parsed.problem);
      return;
    }
    setLocalProblem(undefined);
    setBusy(true);
    try {
      await props.onSubmit(fields, parsed.value);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel wide" aria-label={props.title} onSubmit={submit}>
      <h2>{props.title}</h2>
      {failure !== undefined && <ErrorView failure={failure} />}
      {props.withReference && (
        <>
          <label for="template-reference">Reference</label>
          <input
            id="template-reference"
            required
            maxLength={100}
            pattern="[A-Za-z0-9_\-]+"
            aria-invalid={failedField === 'reference' || undefined}
            aria-describedby={described('reference') ?? 'template-reference-hint'}
            value={fields.reference}
            onInput={(e) => set('reference', e.currentTarget.value)}
          />
          <p class="hint" id="template-reference-hint">
            Letters, digits, _ and -. Tasks name the template by it; it cannot change.
          </p>
          {fieldError('reference')}
        </>
      )}
      <label for="template-name">Name</label>
      <input
        id="template-name"
        required
        maxLength={200}
        aria-invalid={failedField === 'name' || undefined}
        aria-describedby={described('name')}
        value={fields.name}
        onInput={(e) => set('name', e.currentTarget.value)}
      />
      {fieldError('name')}
      <label for="template-description">Description</label>
      <textarea
        id="template-description"
        maxLength={1000}
        rows={2}
        aria-invalid={failedField === 'description' || undefined}
        aria-describedby={described('description')}
        value={fields.description}
        onInput={(e) => set('description', e.currentTarget.value)}
      />
      {fieldError('description')}
      <label class="inline">
        <input type="checkbox" checked={fields.renderless} onChange={(e) => set('renderless', e.currentTarget.checked)} /> Renderless (tasks of it show no form)
      </label>
      <label for="template-parameters">Parameters schema (JSON Schema, optional)</label>
      <textarea
        id="template-parameters"
        class="code"
        rows={10}
        spellcheck={false}
        aria-invalid={failedField === 'parameters' || localProblem !== undefined || undefined}
        aria-describedby={localProblem ? 'template-parameters-problem' : described('parameters')}
        value={fields.parameters}
        onInput={(e) => set('parameters', e.currentTarget.value)}
      />
      {localProblem && (
        <p class="field-error" id="template-parameters-problem">
          {localProblem}
        </p>
      )}
      {fieldError('parameters')}
      <button type="submit" disabled={busy}>
        {props.submitLabel}
      </button>{' '}
      <button type="button" onClick={props.onCancel}>
        Cancel
      </button>
    </form>
  );
}

function CreateTemplate(props: { mode: Mode; onCancel: () => void; onCreated: (reference: string) => void }) {
  return (
    <TemplateForm
      title={`Create a ${props.mode} template`}
      submitLabel="Create"
      withReference
      initial={{ reference: '', name: '', description: '', renderless: false, parameters: '' }}
      onCancel={props.onCancel}
      onSubmit={async (fields, parameters) => {
        const attributes: TemplateCreate = {
          mode: props.mode,
          reference: fields.reference,
          name: fields.name,
          description: fields.description || null,
          renderless: fields.renderless,
          parameters,
        };
        const { data } = await must(api.POST('/v1/task-templates/', { body: { data: { type: 'task-templates', attributes } } }));
        props.onCreated(data.id);
      }}
    />
  );
}

/** One template: a version of it (the latest unless chosen), the list of its versions, and an edit that makes a new version. */
export function TaskTemplate(props: { place: Place; me: Me; reference: string }) {
  const { mode } = props.place;
  const manage = can(props.me, 'developers.manage');
  const [version, setVersion] = useState<number>();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<number>();
  const template = useLoad(
    () =>
      must(
        api.GET('/v1/task-templates/{id}/', {
          params: { path: { id: props.reference }, query: { 'filter[mode]': mode, ...(version ? { version } : {}) } },
        }),
      ),
    [mode, props.reference, version],
  );
  const shown = template.data?.data;
  const latest = template.data?.meta.versions[0]?.version;

  return (
    <>
      <p>
        <Link href={inMode('/task-templates', mode)}>← Task templates</Link>
      </p>
      <PageHeading>
        Template <code>{props.reference}</code>
      </PageHeading>
      {saved !== undefined && (
        <p class="notice" role="status">
          Saved as version {saved}. Tasks made earlier keep the version they were made with.
        </p>
      )}
      <LoadStatus state={template} what="the template" />
      {shown && (
        <>
          <dl class="facts">
            <dt>Name</dt>
            <dd>
              {shown.attributes.name} {shown.attributes.mode === 'test' && <span class="badge-test">Test</span>}
            </dd>
            <dt>Version</dt>
            <dd>
              {shown.attributes.version}
              {shown.attributes.version === latest ? ' (latest)' : ''}
            </dd>
            <dt>Template id</dt>
            <dd>
              <code>{shown.attributes['template-id']}</code>
            </dd>
            <dt>Description</dt>
            <dd>{shown.attributes.description ?? <em>none</em>}</dd>
            <dt>Renderless</dt>
            <dd>{shown.attributes.renderless ? 'yes' : 'no'}</dd>
            <dt>Updated</dt>
            <dd>{formatTime(shown.attributes['updated-at'])}</dd>
          </dl>
          <h2>Parameters schema</h2>
          {shown.attributes.parameters ? <pre class="code">{JSON.stringify(shown.attributes.parameters, null, 2)}</pre> : <Empty>No parameters schema: tasks take any parameters.</Empty>}
          {manage && !editing && (
            <p>
              <button type="button" onClick={() => setEditing(true)}>
                Edit (makes version {(latest ?? shown.attributes.version) + 1})
              </button>
            </p>
          )}
          {editing && (
            <TemplateForm
              title={`Edit ${props.reference}`}
              submitLabel="Save as a new version"
              withReference={false}
              initial={{
                reference: props.reference,
                name: shown.attributes.name,
                description: shown.attributes.description ?? '',
                renderless: shown.attributes.renderless,
                parameters: shown.attributes.parameters ? JSON.stringify(shown.attributes.parameters, null, 2) : '',
              }}
              onCancel={() => setEditing(false)}
              onSubmit={async (fields, parameters) => {
                const attributes: TemplatePatch = { name: fields.name, description: fields.description || null, renderless: fields.renderless, parameters };
                const { data } = await must(
                  api.PATCH('/v1/task-templates/{id}/', {
                    params: { path: { id: props.reference }, query: { 'filter[mode]': mode } },
                    body: { data: { type: 'task-templates', attributes } },
                  }),
                );
                setEditing(false);
                setSaved(data.attributes.version);
                setVersion(undefined);
                template.reload();
              }}
            />
          )}
          <h2>Versions</h2>
          <table>
            <caption class="visually-hidden">Versions of {props.reference}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Name</th>
                <th scope="col">Saved</th>
                <th scope="col">
                  <span class="visually-hidden">Show</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {template.data?.meta.versions.map((entry) => (
                <tr key={entry.version}>
                  <td>{entry.version}</td>
                  <td>{entry.name}</td>
                  <td>{formatTime(entry['updated-at'])}</td>
                  <td>
                    {entry.version === shown.attributes.version ? (
                      <span>shown</span>
                    ) : (
                      <button type="button" class="small" onClick={() => setVersion(entry.version)} aria-label={`Show version ${entry.version}`}>
                        Show
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
