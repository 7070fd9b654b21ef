import { optionalSetting, requiredSetting } from '#shared/platform/config';

/**
 * OSMA_DASHBOARD_URL: where the links in mail lead (the dashboard's origin, and a path if it is
 * served under one). The local stack sets it to its gateway's URL unless it is given. A link to
 * a reset or an invitation carries a secret, so it must be https, or http only to this machine.
 */
export function dashboardUrl(): string {
  return checkedDashboardUrl(requiredSetting('OSMA_DASHBOARD_URL'));
}

/** OSMA_DASHBOARD_URL when it is set (checked as `dashboardUrl` checks it), for callers that work without links. */
export function optionalDashboardUrl(): string | undefined {
  const text = optionalSetting('OSMA_DASHBOARD_URL');
  return text === undefined ? undefined : checkedDashboardUrl(text);
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function checkedDashboardUrl(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  const secure = url?.protocol === 'https:' || (url?.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  if (!url || !secure || url.search || url.hash || url.username || url.password) {
    throw new Error(
      `OSMA_DASHBOARD_URL must be an https URL (http only to localhost) with no query, fragment or credentials; got '${text}'`,
    );
  }
  return url.href.replace(/\/+$/, '');
}
