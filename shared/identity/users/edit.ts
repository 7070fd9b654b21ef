import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { fileKeys } from '#shared/api/files/keys';
import { auditItem } from '#shared/identity/audit/audit';
import type { SessionPrincipal } from '#shared/identity/principal';
import { can } from '#shared/identity/roles/permissions';
import { membershipKeys } from '#shared/identity/users/keys';
import { findUser } from '#shared/identity/users/lookups';
import { fullName, rolesById, type MembershipItem, type TransactItem } from '#shared/identity/users/membership';
import { PROFILE_ATTRIBUTES, userResource, type ProfileAttribute } from '#shared/identity/users/resource';
import { attributeKeyProblems, SELF_EDITABLE, type UserPatch } from '#shared/identity/users/schemas';
import { tableName } from '#shared/platform/config';
import { assertFits, batchGet, db, failedConditions, type TableKey } from '#shared/platform/db';
import { errors, type ParamError } from '#shared/platform/errors';
import type { Mode } from '#shared/platform/table';
import { timestamp } from '#shared/platform/time';

/**
 * `PATCH /v1/users/{id}/`: who may change what (docs/people.md, "Editing a person"), each
 * attribute's rule (schemas.ts), and the change as one transaction: the user, conditional on the
 * version read; the external-ref's lock items swapped; the manager and the file checked to exist;
 * an audit item naming the attributes that changed (never their values).
 */

const pointer = (name: string) => `data.attributes.${name}`;

/** The stored names of the attributes kept on the item itself. */
const TOP_LEVEL = {
  'first-name': 'first_name',
  'middle-name': 'middle_name',
  'last-name': 'last_name',
  phone: 'phone',
  locale: 'locale',
  'external-ref': 'external_ref',
} as const;

export async function editUser(
  principal: SessionPrincipal,
  idText: string,
  resource: { id?: string; attributes: UserPatch },
  source: { ip?: string; userAgent?: string },
) {
  const organizationId = principal.organizationId;
  const user = await findUser(organizationId, idText);
  if (resource.id !== undefined && resource.id !== user.id) {
    throw errors.invalidParams([{ param: 'data.id', message: 'data.id must be the id of the user the path names', in: 'body' }]);
  }
  const patch = resource.attributes;
  const sent = Object.keys(patch).filter((name) => patch[name as keyof UserPatch] !== undefined) as (keyof UserPatch)[];
  assertAllowed(principal, user, sent);

  const problems: ParamError[] = [];
  if (patch.manager === user.id) problems.push({ param: pointer('manager'), message: 'manager must be another user: nobody manages themselves', in: 'body' });
  const attributes = patch.attributes === undefined ? user.attributes : mergeAttributes(user.attributes ?? {}, patch.attributes);
  for (const message of attributeKeyProblems(Object.keys(attributes ?? {}))) problems.push({ param: pointer('attributes'), message, in: 'body' });
  const file = patch['file-id'] ? await fileOf(organizationId, patch['file-id']) : undefined;
  if (patch['file-id'] && !file) {
    problems.push({ param: pointer('file-id'), message: `file-id names no file of the organization (in test or live mode): ${patch['file-id']}`, in: 'body' });
  }
  if (problems.length) throw errors.invalidParams(problems);

  const { updated, changed } = applied(user, patch, attributes, principal.userId);
  const roles = await rolesById(organizationId, user.role_ids ?? []);
  if (!changed.length) return { data: userResource(user, roles), meta: {} };
  const answer = userResource(updated, roles);
  assertFits('user', answer.attributes, [updated], sent.map(String));

  const table = tableName();
  const items: TransactItem[] = [
    {
      Put: {
        TableName: table,
        Item: updated,
        ConditionExpression: 'attribute_exists(pk) AND #version = :version',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':version': user.version ?? 0 },
      },
    },
  ];
  const failures: Record<number, () => Error> = { 0: () => errors.concurrentChange() };
  if (changed.includes('external-ref')) {
    if (user.external_ref !== undefined) items.push({ Delete: { TableName: table, Key: membershipKeys.externalRef(organizationId, user.external_ref) } });
    if (updated.external_ref !== undefined) {
      failures[items.length] = () => errors.alreadyExists('Another user of the organization has this external-ref.', pointer('external-ref'), 'body');
      items.push({
        Put: {
          TableName: table,
          Item: { ...membershipKeys.externalRef(organizationId, updated.external_ref), entity: 'user_ref', user_id: user.id },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
  }
  if (changed.includes('manager') && typeof patch.manager === 'string') {
    failures[items.length] = () =>
      errors.invalidParams([{ param: pointer('manager'), message: `manager names no user of the organization: ${patch.manager}`, in: 'body' }]);
    items.push({ ConditionCheck: { TableName: table, Key: membershipKeys.user(organizationId, patch.manager), ConditionExpression: 'attribute_exists(pk)' } });
  }
  if (changed.includes('file-id') && file) {
    failures[items.length] = () =>
      errors.invalidParams([{ param: pointer('file-id'), message: `file-id names no file of the organization: ${patch['file-id']}`, in: 'body' }]);
    items.push({ ConditionCheck: { TableName: table, Key: file, ConditionExpression: 'attribute_exists(pk)' } });
  }
  items.push({
    Put: {
      TableName: table,
      Item: auditItem({
        organizationId,
        action: 'user.updated',
        actor: { type: 'user', id: principal.userId },
        target: { type: 'user', id: user.id },
        ip: source.ip,
        userAgent: source.userAgent,
        data: { attributes: changed.join(',') },
      }),
    },
  });
  try {
    await db().send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    const failed = failedConditions(error);
    // The user's own write is checked last: a taken ref or a missing manager says more than a race.
    const index = failed?.find((i) => i !== 0) ?? failed?.[0];
    if (index !== undefined && failures[index]) throw failures[index]();
    throw error;
  }
  return { data: answer, meta: {} };
}

/**
 * A person with users.manage (owners, admins) changes anyone's attributes; anyone else only
 * their own names, phone and locale: 403 otherwise, naming what they may not change.
 */
function assertAllowed(principal: SessionPrincipal, user: MembershipItem, sent: (keyof UserPatch)[]): void {
  if (can(principal, 'users.manage')) return;
  if (user.id !== principal.userId) throw errors.forbidden("Your role does not allow users.manage: you may change only your own names, phone and locale.");
  const beyond = sent.filter((name) => !SELF_EDITABLE.includes(name));
  if (beyond.length) {
    throw errors.forbidden(`Your role does not allow users.manage: of your own attributes you may change ${SELF_EDITABLE.join(', ')}, not ${beyond.join(', ')}.`);
  }
}

/** The stored custom attributes merged with a PATCH's: null or empty values remove their keys, null for all removes all. */
function mergeAttributes(current: Record<string, string>, changes: Record<string, string | null> | null): Record<string, string> {
  if (changes === null) return {};
  const merged = new Map(Object.entries(current));
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === '') merged.delete(key);
    else merged.set(key, value);
  }
  // fromEntries defines each key as an own property: no key (not even `__proto__`) reaches a prototype.
  return Object.fromEntries(merged);
}

/** A file of the organization in either mode, as its key; undefined when there is none. */
async function fileOf(organizationId: string, fileId: string): Promise<TableKey | undefined> {
  const modes: Mode[] = ['test', 'live'];
  const keys = modes.map((mode) => fileKeys.key({ organizationId, mode }, fileId));
  const found = await batchGet(keys, { keysOnly: true });
  return keys.find((key) => found(key) !== undefined);
}

/** The user as the PATCH leaves it, and the names of the attributes that it changes. */
function applied(
  user: MembershipItem,
  patch: UserPatch,
  attributes: Record<string, string> | undefined,
  actorId: string,
): { updated: MembershipItem; changed: string[] } {
  const changed: string[] = [];
  const next: Record<string, unknown> = { ...user };
  for (const [name, stored] of Object.entries(TOP_LEVEL)) {
    const value = patch[name as keyof typeof TOP_LEVEL];
    if (value === undefined || same(value ?? undefined, user[stored])) continue;
    changed.push(name);
    if (value === null) delete next[stored];
    else next[stored] = value;
  }
  const profile: Record<string, unknown> = { ...user.profile };
  for (const name of PROFILE_ATTRIBUTES) {
    const value = patch[name as ProfileAttribute];
    if (value === undefined || same(value ?? undefined, profile[name])) continue;
    changed.push(name);
    if (value === null) delete profile[name];
    else profile[name] = value;
  }
  if (Object.keys(profile).length) next.profile = profile;
  else delete next.profile;
  if (patch.attributes !== undefined && !same(attributes ?? {}, user.attributes ?? {})) {
    changed.push('attributes');
    if (attributes && Object.keys(attributes).length) next.attributes = attributes;
    else delete next.attributes;
  }
  const updated = next as unknown as MembershipItem;
  if (changed.length) {
    updated.full_name = fullName(updated);
    updated.updated_at = timestamp();
    updated.updated_by = actorId;
    updated.version = (user.version ?? 0) + 1;
  }
  return { updated, changed };
}

/** Equal as stored: JSON values compared by their text, keys in any order. */
function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, item]) => [key, sorted(item)]));
}
