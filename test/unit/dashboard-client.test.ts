import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_SCHEMA_FILE, dashboardClientSchema } from '#local/dashboard-client';

describe("the dashboard's API client", () => {
  it('is typed from the management API document as it is built now (run `cd web && npm run generate` after changing a route)', async () => {
    const checkedIn = readFileSync(DASHBOARD_SCHEMA_FILE, 'utf8');
    const generated = await dashboardClientSchema();
    // One line of difference is enough to fail; the message names the first one.
    const first = generated.split('\n').findIndex((line, index) => line !== checkedIn.split('\n')[index]);
    expect(first, `${DASHBOARD_SCHEMA_FILE} differs from the generator's output from line ${first + 1}`).toBe(-1);
    expect(checkedIn).toBe(generated);
  });
});
