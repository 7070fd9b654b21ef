// Deep equality that ignores key order: DynamoDB keeps none in maps.
import { isDeepStrictEqual } from 'node:util';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '#shared/platform/config';
import { objectFromItem } from '#shared/platform/items';
import { db, failedConditions, isConditionFailure, assertFits } from '#shared/platform/db';
import { errors } from '#shared/platform/errors';
import { isId, newId } from '#shared/platform/ids';
import { queryPage, type Page, type PageRequest } from '#shared/platform/pagination';
import { ConcurrentChange, withRetries } from '#shared/platform/optimistic';
import { mergeMetadata } from '#shared/api/metadata';
import { scopeKey, type Scope } from '#shared/platform/table';
import { timestamp } from '#shared/platform/time';
import {
  member as memberSchema,
  type CreateMemberInput,
  type Member,
  type UpdateMemberInput,
} from '#shared/api/members/schemas';
import { memberKeys } from '#shared/api/members/keys';

/**
 * Members: one item per member in the partition of its organization and mode, sorted by id,
 * and one lock item per email so that two members of one organization and mode never share
 * an email. The lock is written in the same transaction as the member, by a conditional put,
 * so that a race between two creates leaves exactly one member.
 */
type MemberStatus = Member['status'];

interface MemberItem extends Member {
  pk: string;
  sk: string;
  entity: 'member';
  version: number;
}

export const fromItem = objectFromItem(memberSchema);

function toItem(scope: Scope, member: Member, version: number): MemberItem {
  return { ...memberKeys.key(scope, member.id), entity: 'member', version, ...member };
}

const emailTaken = (email: string) =>
  errors.alreadyExists(`A member with the email '${email}' already exists.`, 'email');

export async function createMember(scope: Scope, input: CreateMemberInput): Promise<Member> {
  const now = timestamp();
  const member: Member = {
    id: newId('member'),
    created_at: now,
    updated_at: now,
    name: input.name,
    email: input.email,
    status: 'active',
    status_transitions: [],
    date_of_birth: input.date_of_birth ?? null,
    biological_sex: input.biological_sex ?? null,
    gender_identity: input.gender_identity ?? null,
    live_mode: scope.mode === 'live',
    metadata: mergeMetadata({}, input.metadata),
  };
  const item = toItem(scope, member, 1);
  assertFits('member', member, [item], Object.keys(input));
  try {
    await db().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName(),
              Item: item,
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: tableName(),
              Item: { ...memberKeys.emailLock(scope, member.email), member_id: member.id },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (failedConditions(error)?.includes(1)) throw emailTaken(member.email);
    throw error;
  }
  return member;
}

export async function getMember(scope: Scope, id: string): Promise<Member> {
  return fromItem(await readItem(scope, id));
}

async function readItem(scope: Scope, id: string): Promise<MemberItem> {
  if (!isId('member', id)) throw errors.notFound('member', id);
  const { Item } = await db().send(
    new GetCommand({ TableName: tableName(), Key: memberKeys.key(scope, id), ConsistentRead: true }),
  );
  if (!Item) throw errors.notFound('member', id);
  return Item as MemberItem;
}

/**
 * Changes are read, applied, and written back on the condition that nobody wrote in between
 * (the item's version); a lost race is retried on fresh data.
 */
export async function updateMember(scope: Scope, id: string, input: UpdateMemberInput): Promise<Member> {
  return withRetries(async () => {
    const current = await readItem(scope, id);
    if (current.status === 'deleted') throw errors.invalidStatus(`Member ${id} is deleted and cannot be changed.`);
    const next = applyUpdate(fromItem(current), input);
    if (isDeepStrictEqual(next, fromItem(current))) return next;
    next.updated_at = timestamp();
    await writeChange(scope, current, next, Object.keys(input));
    return next;
  });
}

export async function deleteMember(scope: Scope, id: string): Promise<Member> {
  return withRetries(async () => {
    const current = await readItem(scope, id);
    if (current.status === 'deleted') throw errors.invalidStatus(`Member ${id} is already deleted.`);
    const next = withStatus(fromItem(current), 'deleted', timestamp());
    await writeChange(scope, current, next, []);
    return next;
  });
}

export function listMembers(scope: Scope, request: PageRequest): Promise<Page<Member>> {
  return queryPage({
    kind: 'member',
    request,
    source: { partitionKey: 'pk', partitionValue: memberKeys.pk(scope), idKey: 'sk' },
    fromItem,
  });
}

function applyUpdate(member: Member, input: UpdateMemberInput): Member {
  const next: Member = { ...member };
  if (input.name !== undefined) next.name = input.name;
  if (input.email !== undefined) next.email = input.email;
  if (input.date_of_birth !== undefined) next.date_of_birth = input.date_of_birth;
  if (input.biological_sex !== undefined) next.biological_sex = input.biological_sex;
  if (input.gender_identity !== undefined) next.gender_identity = input.gender_identity;
  if (input.metadata !== undefined) {
    next.metadata = input.metadata === null ? {} : mergeMetadata(member.metadata, input.metadata);
  }
  if (input.status !== undefined && input.status !== member.status) return withStatus(next, input.status, timestamp());
  return next;
}

function withStatus(member: Member, status: MemberStatus, at: string): Member {
  return {
    ...member,
    status,
    status_transitions: [...member.status_transitions, { to: status, from: member.status, timestamp: at }],
    updated_at: at,
  };
}

/** `sent`: the request's fields, to name when the member would outgrow its item. */
async function writeChange(scope: Scope, current: MemberItem, next: Member, sent: string[]): Promise<void> {
  const item = toItem(scope, next, current.version + 1);
  assertFits('member', next, [item], sent);
  const put = {
    TableName: tableName(),
    Item: item,
    ConditionExpression: 'version = :version',
    ExpressionAttributeValues: { ':version': current.version },
  };
  const oldLock = memberKeys.emailLock(scope, current.email);
  const newLock = memberKeys.emailLock(scope, next.email);
  const releaseLock = next.status === 'deleted';
  const moveLock = !releaseLock && oldLock.sk !== newLock.sk;
  if (!releaseLock && !moveLock) {
    try {
      await db().send(new PutCommand(put));
    } catch (error) {
      if (isConditionFailure(error)) throw new ConcurrentChange();
      throw error;
    }
    return;
  }
  const release = {
    Delete: {
      TableName: tableName(),
      Key: oldLock,
      ConditionExpression: 'attribute_not_exists(pk) OR member_id = :id',
      ExpressionAttributeValues: { ':id': current.id },
    },
  };
  const acquire = {
    Put: {
      TableName: tableName(),
      Item: { ...newLock, member_id: current.id },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
  try {
    await db().send(
      new TransactWriteCommand({ TransactItems: [{ Put: put }, release, ...(moveLock ? [acquire] : [])] }),
    );
  } catch (error) {
    const failed = failedConditions(error);
    if (failed?.includes(2)) throw emailTaken(next.email);
    if (failed?.length) throw new ConcurrentChange();
    throw error;
  }
}
