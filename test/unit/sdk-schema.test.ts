import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SDK_SCHEMA_FILE, sdkSchema } from '#local/sdk-client';

describe("the SDK's types", () => {
  it('are generated from the public API document as it is built now (run `npm run generate -w sdk` after changing a route)', async () => {
    const checkedIn = readFileSync(SDK_SCHEMA_FILE, 'utf8');
    const generated = await sdkSchema();
    // One line of difference is enough to fail; the message names the first one.
    const first = generated.split('\n').findIndex((line, index) => line !== checkedIn.split('\n')[index]);
    expect(first, `${SDK_SCHEMA_FILE} differs from the generator's output from line ${first + 1}`).toBe(-1);
    expect(checkedIn).toBe(generated);
  });
});
