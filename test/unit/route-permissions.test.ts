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
