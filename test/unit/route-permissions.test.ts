import { describe, expect, it } from 'vitest';
import { PERMISSIONS } from '#shared/identity/roles/keys';
import { identityRouteList } from '#shared/identity/routes';

describe('the management API', () => {
  it('names on every session route what its caller must be allowed to do, from the role table or self', () => {
    const allowed = new Set<string>([...PERMISSIONS, 'self']);
    const unnamed = identityRouteList
      .filter((route) => route.auth === 'session' && !allowed.has(route.permission ?? ''))
      .map((route) => `${route.method} ${route.path}: ${route.permission ?? 'none'}`);
    expect(unnamed).toEqual([]);
    expect(identityRouteList.filter((route) => route.auth === 'session').length).toBeGreaterThan(0);
  });

  it('gives an open route no permission to check, as it has no caller to check it on', () => {
    expect(identityRouteList.filter((route) => route.auth === 'none' && route.permission !== undefined)).toEqual([]);
  });
});

describe('both planes together', () => {
  it('give every route its own operationId, which names its function, its bench scenario and its local log lines', async () => {
    const { routeList } = await import('#shared/api/routes');
    const ids = [...routeList, ...identityRouteList].map((route) => route.operationId);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
  });
});
