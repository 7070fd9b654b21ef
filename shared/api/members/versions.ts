import { errors } from '#shared/platform/errors';
import type { Member } from '#shared/api/members/schemas';
import type { VersionChange } from '#shared/http/versioning';

/**
 * 2022-07-19: members gained `status` and `status_transitions` (in place of the boolean
 * `active`) and `gender_identity` (in place of `gender`), and lost the always-null
 * `reference_id`. Before it, a member looked like the spec's create example:
 *
 *   { id, created_at, updated_at, reference_id, name, email, active, date_of_birth,
 *     biological_sex, gender, live_mode, metadata }
 *
 * Requests at older versions may send `gender` (and, on update, `active`), which become
 * `gender_identity` and `status`; errors about those parameters name them as sent.
 */
export interface MemberBefore20220719 {
  id: string;
  created_at: string;
  updated_at: string;
  reference_id: null;
  name: string;
  email: string;
  active: boolean;
  date_of_birth: string | null;
  biological_sex: Member['biological_sex'];
  gender: string | null;
  live_mode: boolean;
  metadata: Record<string, string>;
}

export function memberBefore20220719(member: Member): MemberBefore20220719 {
  return {
    id: member.id,
    created_at: member.created_at,
    updated_at: member.updated_at,
    reference_id: null,
    name: member.name,
    email: member.email,
    active: member.status === 'active',
    date_of_birth: member.date_of_birth,
    biological_sex: member.biological_sex,
    gender: member.gender_identity,
    live_mode: member.live_mode,
    metadata: member.metadata,
  };
}

/**
 * Parameter names this change renamed, newer to older, for error messages. (`active` maps to
 * a valid `status` or fails on its own, so `status` errors need no renaming.)
 */
const RENAMED_PARAMS: Record<string, string> = { gender_identity: 'gender' };

export const memberShapeChange: VersionChange = {
  description:
    'Members: `active` (boolean) became `status` (active, inactive, deleted) with `status_transitions`; ' +
    '`gender` became `gender_identity`; `reference_id` (always null) was removed.',
  routes: ['createMember', 'getMember', 'updateMember', 'deleteMember', 'listMembers'],

  upgradeRequest(body, operationId) {
    const upgraded: Record<string, unknown> = { ...body };
    if ('gender' in upgraded && !('gender_identity' in upgraded)) {
      upgraded.gender_identity = upgraded.gender;
      delete upgraded.gender;
    }
    if (operationId === 'updateMember' && 'active' in upgraded && !('status' in upgraded)) {
      if (typeof upgraded.active !== 'boolean') {
        throw errors.invalidParams([{ param: 'active', message: 'active must be a boolean' }]);
      }
      upgraded.status = upgraded.active ? 'active' : 'inactive';
      delete upgraded.active;
    }
    return upgraded;
  },

  downgradeResponse(body, { status }) {
    if (status >= 400) return renameErrorParams(body);
    if (isMember(body)) return memberBefore20220719(body);
    if (isList(body)) return { ...body, data: body.data.map((item) => (isMember(item) ? memberBefore20220719(item) : item)) };
    return body;
  },
};

function isMember(value: unknown): value is Member {
  return typeof value === 'object' && value !== null && typeof (value as Member).id === 'string' && (value as Member).id.startsWith('mem_');
}

function isList(value: unknown): value is { has_next: boolean; data: unknown[] } {
  return typeof value === 'object' && value !== null && Array.isArray((value as { data?: unknown }).data);
}

function renameErrorParams(body: unknown): unknown {
  const error = body as { params?: { param: string; message: string }[] };
  if (!Array.isArray(error?.params)) return body;
  return {
    ...error,
    params: error.params.map(({ param, message }) => {
      const [head, ...rest] = param.split('.');
      // Own keys only: a parameter named `constructor` or `toString` is no renamed one.
      const older = head !== undefined && Object.hasOwn(RENAMED_PARAMS, head) ? RENAMED_PARAMS[head] : undefined;
      if (!older) return { param, message };
      const renamed = [older, ...rest].join('.');
      return { param: renamed, message: message.split(param).join(renamed) };
    }),
  };
}
