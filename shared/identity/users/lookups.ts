import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { membershipKeys } from '#shared/identity/users/keys';
import { getMembership, rolesById, type MembershipItem } from '#shared/identity/users/membership';
import { userResource } from '#shared/identity/users/resource';
import { parseUserReference, type UserReference } from '#shared/identity/users/schemas';
import { tableName } from '#shared/platform/config';
import { batchGet, db } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';

/**
 * Finding people by what callers know of them: their id, or `ref:<external-ref>` (OS1's ref
 * lookup, one GetItem on the ref's lock item, then the user). Another organization's user, an
 * unknown one and a malformed id are all the same 404, so ids tell nothing.
 */

export const userNotFound = (id: string) => errors.notFound('user', id);

/** The user that `text` names in the organization (strongly consistent), or a 404. */
export async function findUser(organizationId: string, text: string): Promise<MembershipItem> {
  const reference = parseUserReference(text);
  const userId = reference && (await userIdOf(organizationId, reference));
  const user = userId && (await getMembership(organizationId, userId));
  if (!user) throw userNotFound(text);
  return user;
}

/** `GET /v1/users/{id}/`. */
export async function getUserDocument(principal: { organizationId: string }, text: string) {
  const user = await findUser(principal.organizationId, text);
  const roles = await rolesById(principal.organizationId, user.role_ids ?? []);
  return { data: userResource(user, roles), meta: {} };
}

async function userIdOf(organizationId: string, reference: UserReference): Promise<string | undefined> {
  if (reference.kind === 'id') return reference.id;
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: membershipKeys.externalRef(organizationId, reference.ref), ConsistentRead: true }),
  );
  return Item?.user_id as string | undefined;
}

/**
 * The users that `entries` name (ids or `ref:` values, at most 10), in the order named, each
 * once; unknown or malformed entries are left out. One BatchGetItem for the refs' locks (only
 * when there are refs), then one for the users.
 */
export async function lookUpUsers(organizationId: string, entries: readonly string[]): Promise<MembershipItem[]> {
  const references = entries.map(parseUserReference).filter((reference) => reference !== undefined);
  const refs = references.filter((reference) => reference.kind === 'ref');
  const lock = refs.length ? await batchGet(refs.map((reference) => membershipKeys.externalRef(organizationId, reference.ref))) : undefined;
  const userIds = references.flatMap((reference) => {
    if (reference.kind === 'id') return [reference.id];
    const userId = lock?.(membershipKeys.externalRef(organizationId, reference.ref))?.user_id;
    return typeof userId === 'string' ? [userId] : [];
  });
  const unique = [...new Set(userIds)];
  if (!unique.length) return [];
  const found = await batchGet(unique.map((id) => membershipKeys.user(organizationId, id)));
  return unique.flatMap((id) => {
    const item = found(membershipKeys.user(organizationId, id));
    return item ? [item as unknown as MembershipItem] : [];
  });
}

export const USER_EMAIL_TYPE = 'user-emails';
export const USER_MOBILE_TYPE = 'user-mobiles';

/** OS1's GetUserEmail, as JSON:API. */
export async function userEmails(principal: { organizationId: string }, entries: readonly string[]) {
  const users = await lookUpUsers(principal.organizationId, entries);
  return {
    data: users.map((user) => ({
      type: USER_EMAIL_TYPE,
      id: user.id,
      attributes: { email: user.email, 'unique-code': user.external_ref ?? null },
    })),
    meta: { 'total-elements': users.length },
  };
}

/** OS1's GetUserMobile, as JSON:API: the mobiles as the users resource answers them. */
export async function userMobiles(principal: { organizationId: string }, entries: readonly string[]) {
  const users = await lookUpUsers(principal.organizationId, entries);
  return {
    data: users.map((user) => {
      const { attributes } = userResource(user, new Map());
      return {
        type: USER_MOBILE_TYPE,
        id: user.id,
        attributes: {
          'primary-mobile': attributes['primary-mobile'],
          'secondary-mobile': attributes['secondary-mobile'],
          'unique-code': attributes['external-ref'],
        },
      };
    }),
    meta: { 'total-elements': users.length },
  };
}
