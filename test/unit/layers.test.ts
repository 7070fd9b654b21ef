import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { routeList } from '#shared/api/routes';
import { identityRouteList } from '#shared/identity/routes';
import type { ApiHandler } from '#shared/http/handler';

/**
 * The layers of shared/ and what each may import, read from the source files themselves:
 *
 *   platform  (db, table, ids, time, pagination, config, logger, errors)  nothing above it
 *   http      (handler wrapper, routes, middleware, validation, OpenAPI)  platform
 *   api       the public plane's domain                                   platform, api, identity's keys and schemas;
 *             its wiring files (route tables, surface, plane, versions, guarantees, spec/) also http
 *   identity  the management plane's domain                               platform, identity, api; its wiring files also http
 *
 * functions/ sit above all of shared/; nothing in shared/ imports functions/, infra/, local/,
 * bench/ or test/.
 */
const ROOT = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g), ...text.matchAll(/import\(\s*['"`]([^'"`]+)/g)].map(
    (match) => match[1]!,
  );
}

const WIRING = /\/(routes|surface|versions|guarantees|plane)\.ts$|^shared\/(api|identity)\/spec\//;

function allowed(file: string, specifier: string): boolean {
  if (!specifier.startsWith('#')) return true;
  const [, top, layer] = /^#(\w+)\/(\w+)/.exec(specifier) ?? [];
  if (top !== 'shared') return false;
  const own = file.split('/')[1];
  if (own === 'platform') return layer === 'platform';
  if (own === 'http') return layer === 'platform' || layer === 'http';
  const wiring = WIRING.test(file);
  if (layer === 'platform' || layer === own) return true;
  if (layer === 'http') return wiring;
  if (own === 'api' && layer === 'identity') return /\/(keys|schemas)$/.test(specifier);
  if (own === 'identity' && layer === 'api') return true;
  return false;
}

describe('layers', () => {
  it('point every import in shared/ down, and never up to functions, infra, local, bench or test', () => {
    const wrong = sourceFiles('shared').flatMap((file) =>
      importsOf(file)
        .filter((specifier) => !allowed(file, specifier))
        .map((specifier) => `${file} imports ${specifier}`),
    );
    expect(wrong).toEqual([]);
  });

  it('knows a wrong import when it sees one', () => {
    expect(allowed('shared/platform/db.ts', '#shared/http/handler')).toBe(false);
    expect(allowed('shared/http/handler.ts', '#shared/api/routes')).toBe(false);
    expect(allowed('shared/api/members/member.ts', '#shared/http/handler')).toBe(false);
    expect(allowed('shared/api/members/member.ts', '#shared/identity/organizations/organization')).toBe(false);
    expect(allowed('shared/api/members/member.ts', '#functions/api/members/get')).toBe(false);
    expect(allowed('shared/api/members/routes.ts', '#shared/http/route')).toBe(true);
    expect(allowed('shared/api/principal.ts', '#shared/identity/api-keys/schemas')).toBe(true);
  });

  it('lets a resource reach another only through its keys, schemas and outbox', () => {
    const wrong = sourceFiles('shared/api').flatMap((file) => {
      const resource = file.split('/')[2];
      return importsOf(file)
        .filter((specifier) => {
          const [, other, module] = /^#shared\/api\/([\w-]+)\/([\w-]+)$/.exec(specifier) ?? [];
          if (!other || other === resource || !file.includes('/', 'shared/api/'.length)) return false;
          return !['keys', 'schemas', 'outbox'].includes(module!) && !WIRING.test(file);
        })
        .map((specifier) => `${file} imports ${specifier}`);
    });
    expect(wrong).toEqual([]);
  });

  it('uses no relative imports that climb out of a folder', () => {
    const climbing = [...sourceFiles('shared'), ...sourceFiles('functions'), ...sourceFiles('infra'), ...sourceFiles('local')].filter((file) =>
      importsOf(file).some((specifier) => specifier.startsWith('../')),
    );
    expect(climbing).toEqual([]);
  });
});

describe('configuration', () => {
  it('is read from the environment only through shared/platform/config.ts', () => {
    const readers = [...sourceFiles('shared'), ...sourceFiles('functions')].filter(
      (file) => file !== 'shared/platform/config.ts' && /process\.env\b/.test(readFileSync(join(ROOT, file), 'utf8')),
    );
    expect(readers).toEqual([]);
  });
});

describe('route handlers', () => {
  it('are each built from their own route, in the file the route names', async () => {
    for (const route of [...routeList, ...identityRouteList]) {
      const module = (await import(`#functions/${route.handler}`)) as { handler: ApiHandler };
      expect(module.handler.route, route.handler).toBe(route);
    }
  });

  it('import only their own resource route table', () => {
    const wrong = sourceFiles('functions/api').flatMap((file) =>
      importsOf(file)
        .filter((specifier) => specifier.endsWith('/routes') && specifier !== '#shared/api/routes')
        .filter((specifier) => {
          const resource = file.split('/')[2];
          const folder = { 'webhook-endpoints': 'webhooks', events: 'webhooks' }[resource!] ?? resource;
          return specifier !== `#shared/api/${folder}/routes`;
        })
        .map((specifier) => `${file} imports ${specifier}`),
    );
    expect(wrong).toEqual([]);
    const gathering = sourceFiles('functions/api').filter((file) => importsOf(file).includes('#shared/api/routes'));
    expect(gathering).toEqual([]);
  });
});
