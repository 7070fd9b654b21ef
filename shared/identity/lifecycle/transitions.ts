import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { auditItem } from '#shared/identity/audit/audit';
import { moveRefusal } from '#shared/identity/lifecycle/rules';
import type { SessionPrincipal } from '#shared/identity/principal';
import { endLoginSessions } from '#shared/identity/sessions/login-sessions';
import { DEFAULT_SUB_STATES, formatState, parseState, type StateValue } from '#shared/identity/users/lifecycle';
import { membershipKeys } from '#shared/identity/users/keys';
import { getMembership, stateChangeWrites, type MembershipItem, type TransitionRecord } from '#shared/identity/users/membership';
import { tableName } from '#shared/platform/config';
import { db, failedConditions, isTransactionConflict } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';
import { isId } from '#shared/platform/ids';

/**
 * The OS1 lifecycle of the people of an organization: reading a user's state and history, and
 * moving them (docs/lifecycle.md). A move is one transaction: the user (conditional on the
 * version read), a history entry, the active-owner count when an owner enters or leaves
 * `active`, and the audit event. A move to `inactive` then ends the person's sessions.
 */
export interface Move {
  to: StateValue;
  reasonCode?: string;
  data?: Record<string, unknown>;
}

export interface Source {
  ip: string;
  userAgent?: string;
}

/** A user of the caller's organization and their newest history entry. */
export async function userState(principal: SessionPrincipal, userId: string): Promise<{ user: MembershipItem; last: TransitionRecord | undefined }> {
  const [user, newest] = await Promise.all([memberOf(principal, userId), newestTransitions(principal.organizationId, userId, 1)]);
  return { user, last: newest.records[0] };
}

/**
 * A page of a user's history, newest first. Offset paging reads the entries it skips: a page
 * costs offset + limit + 1 small items, and a person's history grows only by the moves made.
 */
export async function userTransitions(
  principal: SessionPrincipal,
  userId: string,
  query: { 'page[limit]': number; 'page[offset]': number },
): Promise<{ records: TransitionRecord[]; limit: number; offset: number; hasMore: boolean }> {
  const { 'page[limit]': limit, 'page[offset]': offset } = query;
  const [, newest] = await Promise.all([memberOf(principal, userId), newestTransitions(principal.organizationId, userId, offset + limit + 1)]);
  return { records: newest.records.slice(offset, offset + limit), limit, offset, hasMore: newest.records.length > offset + limit };
}

/** A move as the route takes it (`to-state` already parsed). */
export interface MoveRequest {
  'to-state': StateValue;
  'reason-code'?: string | null;
  data?: Record<string, unknown> | null;
}

/** Moves a user as the caller asks: the rules' refusals as 403 or 409; answers the user as moved and the move. */
export async function moveUser(
  principal: SessionPrincipal,
  userId: string,
  request: MoveRequest,
  source: Source,
): Promise<{ user: MembershipItem; last: TransitionRecord }> {
  const move = { to: request['to-state'], reasonCode: request['reason-code'] ?? undefined, data: request.data ?? undefined };
  const { user, transition } = await checkedMove(principal, await memberOf(principal, userId), move, source);
  return { user, last: transition };
}

/**
 * The seed's enable: to `active:available`, by the same rules as any move. A user who is
 * already active (any sub-state) is left as they are: enabling is a switch, not an event.
 */
export async function enableUser(principal: SessionPrincipal, userId: string, source: Source): Promise<MembershipItem> {
  const user = await memberOf(principal, userId);
  if (user.state.startsWith('active:')) return user;
  return (await checkedMove(principal, user, { to: { state: 'active', subState: DEFAULT_SUB_STATES.active } }, source)).user;
}

/**
 * The seed's disable: to `inactive:deactivated`, by the same rules as any move. A user who is
 * already inactive is left as they are, but their sessions are ended again, so that a disable
 * repeated after a failure after the move still ends them all.
 */
export async function disableUser(principal: SessionPrincipal, userId: string, source: Source): Promise<MembershipItem> {
  const user = await memberOf(principal, userId);
  if (user.state.startsWith('inactive:')) {
    if (user.login_id) await endLoginSessions(user.login_id, 'deactivated');
    return user;
  }
  return (await checkedMove(principal, user, { to: { state: 'inactive', subState: DEFAULT_SUB_STATES.inactive } }, source)).user;
}

async function checkedMove(principal: SessionPrincipal, user: MembershipItem, move: Move, source: Source) {
  const refusal = moveRefusal(parseState(user.state)!, move.to, {
    self: user.id === principal.userId,
    actorIsOwner: principal.roles.includes('owner'),
    targetIsOwner: (user.role_ids ?? []).includes('owner'),
    hasLogin: typeof user.login_id === 'string',
  });
  if (refusal) throw refusal.code === 'forbidden' ? errors.forbidden(refusal.detail) : errors.invalidTransition(refusal.detail);
  return commitMove(principal, user, move, source);
}

async function commitMove(
  principal: SessionPrincipal,
  user: MembershipItem,
  move: Move,
  source: Source,
): Promise<{ user: MembershipItem; transition: TransitionRecord }> {
  const actor = { type: 'user' as const, id: principal.userId };
  const writes = stateChangeWrites(user, move.to, { actor, reasonCode: move.reasonCode, data: move.data });
  const audit = auditItem({
    organizationId: user.organization_id,
    action: 'user.state_changed',
    actor,
    target: { type: 'user', id: user.id },
    ip: source.ip,
    userAgent: source.userAgent,
    // Not `reason-code`: the audit trail refuses any key with the word `code` in it.
    data: { from: user.state, to: formatState(move.to), reason: move.reasonCode ?? null },
  });
  try {
    await db().send(new TransactWriteCommand({ TransactItems: [...writes.items, { Put: { TableName: tableName(), Item: audit } }] }));
  } catch (error) {
    throw moveFailure(error, writes) ?? error;
  }
  // After the move: the authorizer already refuses an inactive person; this ends the sessions
  // themselves, so their refresh tokens die too. One membership per login for now, so all of
  // the login's sessions are this membership's.
  if (move.to.state === 'inactive' && user.login_id) await endLoginSessions(user.login_id, 'deactivated');
  return { user: writes.updated, transition: writes.transition };
}

/**
 * A cancelled move's error: the user changed since it was read (or a racing transaction held
 * one of its items) is a concurrent change, the active-owner count's condition the last owner.
 */
function moveFailure(error: unknown, writes: { userIndex: number; ownerIndex?: number }): Error | undefined {
  const failed = failedConditions(error);
  if (failed === undefined) return undefined;
  if (failed.includes(writes.userIndex)) return errors.concurrentChange();
  if (writes.ownerIndex !== undefined && failed.includes(writes.ownerIndex)) return errors.lastOwner();
  if (isTransactionConflict(error)) return errors.concurrentChange();
  return undefined;
}

/** A user of the caller's organization, by id; another organization's, or none, is not found. */
async function memberOf(principal: SessionPrincipal, userId: string): Promise<MembershipItem> {
  const user = isId('user', userId) ? await getMembership(principal.organizationId, userId) : undefined;
  if (!user) throw errors.notFound('user', userId);
  return user;
}

/** Up to `count` of a user's history entries, newest first (ids sort by time). */
async function newestTransitions(organizationId: string, userId: string, count: number): Promise<{ records: TransitionRecord[] }> {
  if (!isId('user', userId)) return { records: [] };
  const records: TransitionRecord[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': membershipKeys.transitionsPk(organizationId, userId) },
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: count - records.length,
        ExclusiveStartKey: startKey,
      }),
    );
    records.push(...((page.Items ?? []) as TransitionRecord[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey && records.length < count);
  return { records };
}
