import * as z from 'zod';
import { resendBody } from '#shared/api/webhooks/schemas';
import { cursorListDocument, idPath, resourceDocument } from '#shared/http/jsonapi';
import { routeTable } from '#shared/http/route';
import { DELIVERY_TYPE, deliveryAttributes, EVENT_TYPE, eventAttributes } from '#shared/identity/events/resource';
import { cursorPageQuery, modeFilter } from '#shared/identity/scoped-resources';

export const eventRoutes = routeTable(
  { functions: 'identity/events', tag: 'Events', auth: 'session' },
  {
    listOrganizationEvents: {
      method: 'GET',
      path: '/v1/events/',
      handler: 'list',
      permission: 'organization.read',
      summary: "List a mode's events of the last 30 days, newest first",
      request: { query: z.strictObject({ ...modeFilter, ...cursorPageQuery }) },
      success: { status: 200, description: 'A page of events.', schema: cursorListDocument(EVENT_TYPE, eventAttributes) },
    },
    getOrganizationEvent: {
      method: 'GET',
      path: '/v1/events/{id}/',
      handler: 'get',
      permission: 'organization.read',
      summary: 'Get an event of the mode named, as webhooks deliver it',
      request: { path: idPath, query: z.strictObject(modeFilter) },
      success: { status: 200, description: 'The event.', schema: resourceDocument(EVENT_TYPE, eventAttributes) },
      errors: [404],
    },
    listOrganizationEventDeliveries: {
      method: 'GET',
      path: '/v1/events/{id}/deliveries/',
      handler: 'deliveries',
      permission: 'organization.read',
      summary: "List an event's deliveries, one per endpoint, with every attempt",
      request: { path: idPath, query: z.strictObject({ ...modeFilter, ...cursorPageQuery }) },
      success: { status: 200, description: 'A page of deliveries, by endpoint, newest endpoint first.', schema: cursorListDocument(DELIVERY_TYPE, deliveryAttributes) },
      errors: [404],
    },
    resendOrganizationEvent: {
      method: 'POST',
      path: '/v1/events/{id}/resend/',
      handler: 'resend',
      permission: 'developers.manage',
      summary: 'Send an event to one endpoint again, as a new series of attempts',
      request: { path: idPath, query: z.strictObject(modeFilter), body: resendBody },
      success: { status: 201, description: 'The delivery, pending its new series.', schema: resourceDocument(DELIVERY_TYPE, deliveryAttributes) },
      errors: [404, 409],
    },
  },
);
