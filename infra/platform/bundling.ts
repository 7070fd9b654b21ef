import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { BuildOptions } from 'esbuild';

/**
 * How every Lambda function is bundled, defined once: `infra/osma-function.ts` hands it to
 * NodejsFunction, and the benchmark (`bench/cold-start.ts`) builds the very same bundle with
 * esbuild directly, so the bundle it measures is the bundle that deploys. This module loads
 * nothing from aws-cdk-lib, so the benchmark need not.
 */

/** The repository root: entries, the lock file and tsconfig.json are resolved from here. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Lets CommonJS dependencies call `require` from inside an ESM bundle. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** NODE_OPTIONS of every function: stack traces point into the TypeScript sources. */
export const FUNCTION_NODE_OPTIONS = '--enable-source-maps';

/** The NodejsFunction `bundling` props of every function. */
export const FUNCTION_BUNDLING = {
  format: 'esm',
  target: 'node22',
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  tsconfig: path.join(PROJECT_ROOT, 'tsconfig.json'),
  // The Node.js 22 runtime ships the AWS SDK v3; bundling it is a cold-start trade-off
  // measured by the benchmark (`npm run bench`, docs/benchmarks.md).
  externalModules: ['@aws-sdk/*'],
} as const;

/**
 * Whether a route's function carries its own AWS SDK. The file functions do: the S3
 * presigner is not part of the SDK the runtime promises, and it must match the client-s3 it
 * signs with. The stack and the benchmark both ask here.
 */
export function bundlesAwsSdk(route: { fileAccess?: unknown }): boolean {
  return route.fileAccess !== undefined;
}

/**
 * The esbuild options NodejsFunction derives from FUNCTION_BUNDLING (it runs
 * `esbuild --bundle <entry> --target=… --platform=node --format=… --outfile=index.mjs
 * --minify --sourcemap --sources-content=false --external:… --tsconfig=… --banner:js=…
 * --main-fields=…`, see aws-cdk-lib/aws-lambda-nodejs/lib/bundling.js).
 */
export function functionEsbuildOptions(options: {
  entry: string;
  outfile: string;
  /** Default: FUNCTION_BUNDLING.externalModules, as deployed. */
  externalModules?: readonly string[];
}): BuildOptions {
  const b = FUNCTION_BUNDLING;
  return {
    entryPoints: [options.entry],
    outfile: options.outfile,
    bundle: true,
    platform: 'node',
    target: b.target,
    format: b.format,
    minify: b.minify,
    sourcemap: b.sourceMap,
    sourcesContent: b.sourcesContent,
    external: [...(options.externalModules ?? b.externalModules)],
    tsconfig: b.tsconfig,
    banner: { js: b.banner },
    mainFields: [...b.mainFields],
    logLevel: 'silent',
  };
}
