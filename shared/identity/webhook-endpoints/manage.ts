import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listEndpoints,
  rotateSecret,
  updateEndpoint,
  type AlsoWrite,
} from '#shared/api/webhooks/endpoint';
import type { CreateWebhookEndpointInput, UpdateWebhookEndpointInput } from '#shared/api/webhooks/schemas';
import type { AuditAction } from '#shared/identity/audit/audit';
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
import { webhookEndpointResource, webhookEndpointWithSecretResource } from '#shared/identity/webhook-endpoints/resource';
import type { Mode } from '#shared/platform/table';

/**
 * The management API's webhook endpoints: the public API's domain (shared/api/webhooks/
 * endpoint.ts) called with the caller's organization and the mode the call names, each change
 * with its audit item in the same transaction, and the domain's errors pointed at the body.
 */
const ATTRIBUTES = { body: 'data.attributes' };
const PATH = '/v1/webhook-endpoints/';

/** The fields an update may change, to say in the audit item which did. */
const CHANGEABLE = ['url', 'events', 'description', 'metadata', 'status'] as const;

type Change = Parameters<AlsoWrite>[0];

function audited(caller: Caller, mode: Mode, action: (change: Change) => AuditAction): AlsoWrite {
  return (change) => {
    const name = action(change);
    const data: Record<string, string> = { mode };
    if (!change.before) data.events = change.after.events.join(',');
    else if (name !== 'webhook_endpoint.deleted' && name !== 'webhook_endpoint.secret_rotated') {
      data.changed = CHANGEABLE.filter((field) => JSON.stringify(change.before![field]) !== JSON.stringify(change.after[field]))
        .map(kebab)
        .join(',');
      data.status = change.after.status;
      if (change.before.disabled_reason) data['disabled-reason'] = change.before.disabled_reason;
    }
    return [auditWrite(caller.principal, caller.source, name, { type: 'webhook-endpoint', id: change.after.id }, data)];
  };
}

/** Enabling an endpoint that was disabled (by a consumer, or by the sender) is recorded as such; any other change as an update. */
const updateAction = ({ before, after }: Change): AuditAction =>
  before?.status === 'disabled' && after.status === 'enabled' ? 'webhook_endpoint.enabled' : 'webhook_endpoint.updated';

export async function webhookEndpointList(principal: SessionPrincipal, query: CursorPageQuery & { 'filter[mode]': Mode }) {
  const mode = query['filter[mode]'];
  const page = await inRequestTerms({ body: '', query: CURSOR_PARAMS }, () => listEndpoints(scopeOf(principal, mode), pageRequest(query)));
  return listAnswer(page, query, PATH, (endpoint) => webhookEndpointResource(mode, endpoint));
}

export async function webhookEndpointOf(principal: SessionPrincipal, mode: Mode, id: string) {
  return { data: webhookEndpointResource(mode, await getEndpoint(scopeOf(principal, mode), id)), meta: {} };
}

export async function createWebhookEndpoint(caller: Caller, attributes: CreateWebhookEndpointInput & { mode: Mode }) {
  const { mode, ...input } = attributes;
  const created = await inRequestTerms(ATTRIBUTES, () =>
    createEndpoint(scopeOf(caller.principal, mode), input, audited(caller, mode, () => 'webhook_endpoint.created')),
  );
  return { data: webhookEndpointWithSecretResource(mode, created), meta: {} };
}

export async function changeWebhookEndpoint(caller: Caller, mode: Mode, id: string, resource: { id?: string; attributes: UpdateWebhookEndpointInput }) {
  assertSameId(resource.id, id);
  const changed = await inRequestTerms(ATTRIBUTES, () =>
    updateEndpoint(scopeOf(caller.principal, mode), id, resource.attributes, audited(caller, mode, updateAction)),
  );
  return { data: webhookEndpointResource(mode, changed), meta: {} };
}

/** The dashboard's "enable" button: the public update with `status: enabled`. Enabling an enabled endpoint changes and records nothing. */
export async function enableWebhookEndpoint(caller: Caller, mode: Mode, id: string) {
  const enabled = await updateEndpoint(scopeOf(caller.principal, mode), id, { status: 'enabled' }, audited(caller, mode, updateAction));
  return { data: webhookEndpointResource(mode, enabled), meta: {} };
}

export async function rotateWebhookEndpointSecret(caller: Caller, mode: Mode, id: string) {
  const rotated = await rotateSecret(scopeOf(caller.principal, mode), id, audited(caller, mode, () => 'webhook_endpoint.secret_rotated'));
  return { data: webhookEndpointWithSecretResource(mode, rotated), meta: {} };
}

export async function removeWebhookEndpoint(caller: Caller, mode: Mode, id: string): Promise<void> {
  await deleteEndpoint(scopeOf(caller.principal, mode), id, audited(caller, mode, () => 'webhook_endpoint.deleted'));
}
