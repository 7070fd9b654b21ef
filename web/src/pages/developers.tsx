import type { VNode } from 'preact';
import type { Place } from '../router';
import type { Me } from '../session';
import { EventDetail, Events } from './events';
import { RequestLogDetail, RequestLogs } from './request-logs';
import { Webhooks } from './webhooks';

/** Developers' pages beside API keys, in the sub-navigation's order. */
export const DEVELOPER_PAGES = [
  { path: '/developers/webhooks', label: 'Webhooks' },
  { path: '/developers/events', label: 'Events' },
  { path: '/developers/logs', label: 'Request logs' },
];

/** The page for a Developers address (webhooks, events, request logs), or undefined when it is not one of them. */
export function developersPage(place: Place, me: Me): VNode | undefined {
  const [, section, page, id, ...rest] = place.path.split('/');
  if (section !== 'developers' || rest.length > 0) return undefined;
  const detailId = id === undefined ? undefined : decodeURIComponent(id);
  if (page === 'webhooks' && detailId === undefined) return <Webhooks place={place} me={me} />;
  if (page === 'events') return detailId === undefined ? <Events place={place} /> : <EventDetail key={detailId} place={place} me={me} id={detailId} />;
  if (page === 'logs') return detailId === undefined ? <RequestLogs place={place} /> : <RequestLogDetail key={detailId} place={place} id={detailId} />;
  return undefined;
}
