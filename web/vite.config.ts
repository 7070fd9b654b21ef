import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The dashboard's build: Preact's JSX through esbuild (no plugin needed), every asset under a
 * content hash so that it can be cached for good, and no inline script or style, so that the
 * page runs under a Content-Security-Policy of `script-src 'self'` (docs/dashboard.md).
 */
const web = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: web,
  base: '/',
  // The build reads no .env file and exposes no environment: the page's settings come from /config.json.
  envDir: false,
  logLevel: 'warn',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  resolve: {
    // The role table is SDK-free, so the page can know what each built-in role may do.
    alias: { '@osma/roles': fileURLToPath(new URL('../shared/identity/roles/keys.ts', import.meta.url)) },
  },
  build: {
    outDir: fileURLToPath(new URL('dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Never inline an asset as a data: URL into script, and keep the module preload polyfill out (it is inline-free but not needed by the browsers we target).
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    rollupOptions: {
      output: {
        entryFileNames: 'assets/[name]-[hash].js',
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
});
