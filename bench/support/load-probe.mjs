// Loads one bundle in a fresh Node process, as the Lambda runtime loads a handler module, and
// reports when its `handler` is ready: `ready` is milliseconds since this process started
// (performance.timeOrigin), `import` the part spent importing the bundle. Plain JavaScript on
// purpose: the probe itself must cost next to nothing and the same for every bundle.
import { pathToFileURL } from 'node:url';

const start = performance.now();
const module = await import(pathToFileURL(process.argv[2]).href);
if (typeof module.handler !== 'function') {
  process.stderr.write(`${process.argv[2]} exports no handler function\n`);
  process.exit(2);
}
const ready = performance.now();
process.stdout.write(`${JSON.stringify({ ready, import: ready - start })}\n`, () => process.exit(0));
