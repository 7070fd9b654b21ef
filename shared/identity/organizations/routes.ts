import { organizationAttributes, organizationPatch, ORGANIZATION_TYPE } from '#shared/identity/organizations/resource';
import { idPath, listDocument, pageQuery, resourceDocument, resourceRequest } from '#shared/http/jsonapi';
import { routeTable } from '#shared/http/route';
import * as z from 'zod';

export const organizationRoutes = routeTable(
  { functions: 'identity/organizations', tag: 'Organizations', auth: 'session' },
  {
    listOrganizations: {
      method: 'GET',
      path: '/v1/organizations/',
      handler: 'list',
      permission: 'organization.read',
      summary: 'List the organizations you belong to',
      request: { query: z.strictObject(pageQuery) },
      success: { status: 200, description: 'Your organization.', schema: listDocument(ORGANIZATION_TYPE, organizationAttributes) },
    },
    getOrganization: {
      method: 'GET',
      path: '/v1/organizations/{id}/',
      handler: 'get',
      permission: 'organization.read',
      summary: 'Get your organization',
      request: { path: idPath },
      success: { status: 200, description: 'The organization.', schema: resourceDocument(ORGANIZATION_TYPE, organizationAttributes) },
      errors: [404],
    },
    updateOrganization: {
      method: 'PATCH',
      path: '/v1/organizations/{id}/',
      handler: 'update',
      permission: 'organization.write',
      summary: "Change your organization's display name, time zone or default API version (owners and admins); `rate-limits` is the platform's",
      request: { path: idPath, body: resourceRequest(ORGANIZATION_TYPE, organizationPatch) },
      success: { status: 200, description: 'The organization as changed.', schema: resourceDocument(ORGANIZATION_TYPE, organizationAttributes) },
      errors: [403, 404],
    },
  },
);
