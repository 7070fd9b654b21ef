import * as z from 'zod';
import { resourceDocument, resourceObject, resourceRequest } from '#shared/http/jsonapi';
import { routeTable } from '#shared/http/route';
import { USER_EMAIL_TYPE, USER_MOBILE_TYPE } from '#shared/identity/users/lookups';
import { USER_TYPE, userAttributes } from '#shared/identity/users/resource';
import { listUsersQuery, lookupQuery, userIdPath, userPatch } from '#shared/identity/users/schemas';

/** A listed user: every attribute, or only those `select` names. */
const listedUser = resourceObject(USER_TYPE, userAttributes.partial());

export const userListDocument = z
  .object({
    data: z.array(listedUser),
    meta: z.object({
      page: z.object({
        limit: z.number().int(),
        offset: z.number().int(),
        total: z.number().int().optional().meta({ description: 'How many users match: given when the list was read whole (a sort by name or email).' }),
      }),
    }),
    links: z.object({ next: z.string().optional().meta({ description: 'The next page, when there is one.' }) }),
  })
  .meta({ id: 'UserList' });

const storedMobile = z.object({ 'country-code': z.string(), number: z.string() });

const lookupDocument = <A extends z.ZodObject>(type: string, attributes: A, id: string) =>
  z
    .object({
      data: z.array(resourceObject(type, attributes)),
      meta: z.object({ 'total-elements': z.number().int().meta({ description: 'How many of the named users were found.' }) }),
    })
    .meta({ id });

export const userRoutes = routeTable(
  { functions: 'identity/users', tag: 'Users', auth: 'session' },
  {
    listOrganizationUsers: {
      method: 'GET',
      path: '/v1/users/',
      handler: 'list',
      permission: 'organization.read',
      summary: "List the organization's people: filters, text, sort, select, query",
      request: { query: listUsersQuery },
      success: { status: 200, description: 'A page of users; `links.next` is the next page.', schema: userListDocument },
    },
    getOrganizationUser: {
      method: 'GET',
      path: '/v1/users/{id}/',
      handler: 'get',
      permission: 'organization.read',
      summary: 'Get a person by id or by `ref:<external-ref>`',
      request: { path: userIdPath },
      success: { status: 200, description: 'The user.', schema: resourceDocument(USER_TYPE, userAttributes) },
      errors: [404],
    },
    updateOrganizationUser: {
      method: 'PATCH',
      path: '/v1/users/{id}/',
      handler: 'update',
      // Anyone may change their own names, phone and locale; the rest needs users.manage (checked by the handler).
      permission: 'self',
      summary: "Change a person's attributes (users.manage), or your own names, phone and locale",
      request: { path: userIdPath, body: resourceRequest(USER_TYPE, userPatch) },
      success: { status: 200, description: 'The user as changed.', schema: resourceDocument(USER_TYPE, userAttributes) },
      errors: [403, 404, 409],
    },
  },
);

export const userEmailRoutes = routeTable(
  { functions: 'identity/user-emails', tag: 'Users', auth: 'session' },
  {
    listUserEmails: {
      method: 'GET',
      path: '/v1/user-emails/',
      handler: 'list',
      permission: 'organization.read',
      summary: 'The emails of up to 10 people, by id or `ref:<external-ref>`',
      request: { query: lookupQuery },
      success: {
        status: 200,
        description: 'The people found, in the order named; unknown ones are left out.',
        schema: lookupDocument(USER_EMAIL_TYPE, z.object({ email: z.string(), 'unique-code': z.string().nullable() }), 'UserEmails'),
      },
    },
  },
);

export const userMobileRoutes = routeTable(
  { functions: 'identity/user-mobiles', tag: 'Users', auth: 'session' },
  {
    listUserMobiles: {
      method: 'GET',
      path: '/v1/user-mobiles/',
      handler: 'list',
      permission: 'organization.read',
      summary: 'The mobiles of up to 10 people, by id or `ref:<external-ref>`',
      request: { query: lookupQuery },
      success: {
        status: 200,
        description: 'The people found, in the order named; unknown ones are left out.',
        schema: lookupDocument(
          USER_MOBILE_TYPE,
          z.object({ 'primary-mobile': storedMobile.nullable(), 'secondary-mobile': storedMobile.nullable(), 'unique-code': z.string().nullable() }),
          'UserMobiles',
        ),
      },
    },
  },
);
