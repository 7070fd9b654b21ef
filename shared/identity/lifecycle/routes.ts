import * as z from 'zod';
import { idPath, listDocument, pageQuery, resourceDocument } from '#shared/http/jsonapi';
import { routeTable } from '#shared/http/route';
import { REASON_CODE, dataProblems } from '#shared/identity/lifecycle/rules';
import { TRANSITION_TYPE, USER_STATE_TYPE, transitionAttributes, userStateAttributes } from '#shared/identity/lifecycle/resource';
import { parseState, STATES } from '#shared/identity/users/lifecycle';
import { USER_TYPE, userAttributes } from '#shared/identity/users/resource';

const TO_STATE_MESSAGE = `to-state must be a state (${STATES.join(', ')}) or state:sub-state, the sub-state a lower-case word (a-z, 0-9, _ or -) of at most 40 characters`;
const REASON_CODE_MESSAGE = 'reason-code must be 1 to 40 letters, digits, _, . or -, starting with a letter or digit, such as R-104';

/** The seed's flat body: `{"to-state", "reason-code", "data"}`. */
export const transitionBody = z
  .strictObject({
    'to-state': z
      .string({ error: TO_STATE_MESSAGE })
      .max(100, { error: TO_STATE_MESSAGE })
      .refine((text) => parseState(text) !== undefined, { error: TO_STATE_MESSAGE })
      .transform((text) => parseState(text)!)
      .meta({ description: 'The state to move to: `active`, or with a sub-state `active:available`.', example: 'deboarding:notice' }),
    'reason-code': z
      .string({ error: REASON_CODE_MESSAGE })
      .regex(REASON_CODE, { error: REASON_CODE_MESSAGE })
      .nullish()
      .meta({ description: 'Why, as a code of your own.', example: 'R-104' }),
    data: z
      .record(z.string(), z.unknown(), { error: 'data must be an object' })
      .superRefine((value, ctx) => {
        for (const { path, message } of dataProblems(value)) ctx.addIssue({ code: 'custom', path, message });
      })
      .nullish()
      .meta({ description: 'More about the move: at most 4 KB of JSON, its values scalars or arrays and objects of scalars.' }),
  })
  .meta({ id: 'UserStateTransitionRequest' });

export const lifecycleRoutes = routeTable(
  { functions: 'identity/lifecycle', tag: 'Lifecycle', auth: 'session' },
  {
    getUserState: {
      method: 'GET',
      path: '/v1/users/{id}/state/',
      handler: 'state',
      permission: 'organization.read',
      summary: "A user's lifecycle state and their last move",
      request: { path: idPath },
      success: { status: 200, description: 'The state.', schema: resourceDocument(USER_STATE_TYPE, userStateAttributes) },
      errors: [403, 404],
    },
    listUserStateTransitions: {
      method: 'GET',
      path: '/v1/users/{id}/state-transitions/',
      handler: 'history',
      permission: 'organization.read',
      summary: "A user's lifecycle history, newest first: who moved them, when, from, to and why",
      request: { path: idPath, query: z.strictObject(pageQuery) },
      success: { status: 200, description: 'The history, newest first.', schema: listDocument(TRANSITION_TYPE, transitionAttributes) },
      errors: [403, 404],
    },
    transitionUserState: {
      method: 'POST',
      path: '/v1/users/{id}/state-transitions/',
      handler: 'transition',
      permission: 'users.manage',
      summary: 'Move a user to another lifecycle state or sub-state (owners and admins)',
      request: { path: idPath, body: transitionBody },
      success: { status: 201, description: 'The state the user is now in, with this move.', schema: resourceDocument(USER_STATE_TYPE, userStateAttributes) },
      errors: [403, 404, 409],
    },
    enableUser: {
      method: 'POST',
      path: '/v1/users/{id}/enable/',
      handler: 'enable',
      permission: 'users.manage',
      summary: 'Make a user active (`active:available`); a user already active stays as they are',
      request: { path: idPath },
      success: { status: 201, description: 'The user.', schema: resourceDocument(USER_TYPE, userAttributes) },
      errors: [403, 404, 409],
    },
    disableUser: {
      method: 'POST',
      path: '/v1/users/{id}/disable/',
      handler: 'disable',
      permission: 'users.manage',
      summary: 'Make a user inactive (`inactive:deactivated`) and end their sessions; a user already inactive stays as they are',
      request: { path: idPath },
      success: { status: 201, description: 'The user.', schema: resourceDocument(USER_TYPE, userAttributes) },
      errors: [403, 404, 409],
    },
  },
);
