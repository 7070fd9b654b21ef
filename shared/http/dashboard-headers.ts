/**
 * The dashboard's security headers, one definition for both places that serve it: the local
 * dashboard (local/dashboard.ts) and the deployed distribution's response headers policy
 * (infra/dashboard/dashboard.ts). docs/dashboard.md says why each.
 */

/** Only the origin's own files run, and calls go nowhere but the origin; nothing may frame the page. */
export const DASHBOARD_CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export const DASHBOARD_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': DASHBOARD_CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

/**
 * Only over https (a browser ignores it on plain http, so the local dashboard does not send it):
 * one year, this host only. Subdomains are left out because the host may become a custom domain
 * whose siblings are not ours to pin.
 */
export const DASHBOARD_HSTS_SECONDS = 365 * 24 * 60 * 60;
