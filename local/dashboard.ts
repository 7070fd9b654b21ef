import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, relative, resolve } from 'node:path';
import type { GatewayListener } from '#local/gateway';
import { DASHBOARD_SECURITY_HEADERS } from '#shared/http/dashboard-headers';

/**
 * The dashboard's origin on this machine, as CloudFront serves it when deployed: the built app
 * (`web/dist`) at `/` and every route of the app, `/v1/` passed through to the management API
 * (the gateway's own handling, so the cookie-session and CSRF checks see this origin), and
 * `/config.json`, the page's one setting (where the public API is). Every answer carries the
 * security headers (docs/dashboard.md says why each).
 */
const ROOT = process.cwd();
const WEB = resolve(ROOT, 'web');
export const DASHBOARD_DIST = join(WEB, 'dist');
const STAMP = '.source-hash';
/** What the build reads besides web/src: a change to any of them makes the built app stale. */
const SOURCES = ['web/index.html', 'web/vite.config.ts', 'web/package.json', 'shared/identity/roles/keys.ts'];

const IMMUTABLE = 'public, max-age=31536000, immutable';
const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

/** A digest of everything the build reads, so that a start knows whether `web/dist` is the build of the sources as they are. */
export function dashboardSourceHash(): string {
  const hash = createHash('sha256');
  const files = [...SOURCES.map((file) => join(ROOT, file)), ...filesUnder(join(WEB, 'src'))].sort();
  for (const file of files) hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * Builds the app with Vite's JS API when `web/dist` is missing or was built from other sources.
 * The build goes to a folder of its own and is then moved into place, so that two stacks
 * starting at once (the test projects) never serve a half-written build.
 */
export async function ensureDashboardBuilt(): Promise<{ built: boolean }> {
  const sourceHash = dashboardSourceHash();
  if (builtFrom() === sourceHash) return { built: false };
  const { build } = await import('vite');
  const outDir = join(WEB, `.dist-build-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
    writeFileSync(join(outDir, STAMP), sourceHash);
    if (builtFrom() !== sourceHash) {
      rmSync(DASHBOARD_DIST, { recursive: true, force: true });
      try {
        renameSync(outDir, DASHBOARD_DIST);
      } catch (error) {
        // Another start moved the same build into place first.
        if (builtFrom() !== sourceHash) throw error;
      }
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  return { built: true };
}

function builtFrom(): string | undefined {
  const stamp = join(DASHBOARD_DIST, STAMP);
  return existsSync(stamp) && existsSync(join(DASHBOARD_DIST, 'index.html')) ? readFileSync(stamp, 'utf8') : undefined;
}

export async function startDashboard(options: {
  port: number;
  host?: string;
  /** The management API's handling, for `/v1/`. */
  gateway: GatewayListener;
  /** The public API's base URL, which the Home page shows. */
  apiUrl: string;
}): Promise<{ url: string; stop: () => Promise<void> }> {
  const index = readFileSync(join(DASHBOARD_DIST, 'index.html'));
  const config = Buffer.from(JSON.stringify({ apiUrl: options.apiUrl }));
  const server = createServer((req, res) => {
    for (const [name, value] of Object.entries(DASHBOARD_SECURITY_HEADERS)) res.setHeader(name, value);
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/v1' || path.startsWith('/v1/')) return options.gateway(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return answer(req, res, 405, 'text/plain; charset=utf-8', Buffer.from('Method not allowed\n'), 'no-store');
    }
    if (path === '/config.json') return answer(req, res, 200, 'application/json', config, 'no-store');
    if (path.startsWith('/assets/')) return asset(req, res, path.slice('/assets/'.length));
    // A path with a file extension is a file, and every file the app has is under /assets/.
    if (extname(path)) return answer(req, res, 404, 'text/plain; charset=utf-8', Buffer.from('Not found\n'), 'no-store');
    // Every other path is a page of the app: index.html, never cached, so a new build shows at once.
    return answer(req, res, 200, 'text/html; charset=utf-8', index, 'no-cache');
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://localhost:${port}`, stop: () => stopServer(server) };
}

/** A hashed asset: its name changes with its content, so it may be cached for good. */
function asset(req: IncomingMessage, res: ServerResponse, name: string): void {
  const file = join(DASHBOARD_DIST, 'assets', name);
  if (!/^[\w.-]+$/.test(name) || !existsSync(file) || !statSync(file).isFile()) {
    return answer(req, res, 404, 'text/plain; charset=utf-8', Buffer.from('Not found\n'), 'no-store');
  }
  answer(req, res, 200, CONTENT_TYPES[extname(name)] ?? 'application/octet-stream', readFileSync(file), IMMUTABLE);
}

function answer(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: Buffer, cache: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': String(body.length), 'cache-control': cache });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function stopServer(server: Server): Promise<void> {
  return new Promise((resolveStop) => {
    server.close(() => resolveStop());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 10_000).unref();
  });
}
