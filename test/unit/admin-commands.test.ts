import { describe, expect, it } from 'vitest';
import { parseCommand, runAdminCommand } from '#shared/identity/platform/commands';
import { OsmaError } from '#shared/platform/errors';

const ORGANIZATION_ID = 'org_3MTZSoTbJ3r1tFEDJxUh64wAzMp';

/** What parseCommand refuses, as the platform function answers it: field by field. */
function refusal(input: unknown): { status: number; params: string[] } {
  try {
    parseCommand(input);
  } catch (error) {
    if (!(error instanceof OsmaError)) throw error;
    return { status: error.status, params: (error.params ?? []).map((param) => param.param).sort() };
  }
  throw new Error('accepted');
}

describe('the platform commands', () => {
  it('accept each command in its JSON form', () => {
    expect(parseCommand({ command: 'create-organization', name: ' Acme ', ownerEmail: 'a@acme.test' })).toEqual({
      command: 'create-organization',
      name: 'Acme',
      ownerEmail: 'a@acme.test',
    });
    expect(parseCommand({ command: 'suspend-organization', organizationId: ORGANIZATION_ID }).command).toBe('suspend-organization');
    expect(parseCommand({ command: 'reactivate-organization', organizationId: ORGANIZATION_ID }).command).toBe('reactivate-organization');
    expect(parseCommand({ command: 'set-rate-limits', organizationId: ORGANIZATION_ID, live: 250 })).toEqual({
      command: 'set-rate-limits',
      organizationId: ORGANIZATION_ID,
      live: 250,
    });
  });

  it('refuse an unknown command, unknown fields and bad values, naming each field', () => {
    expect(refusal({ command: 'delete-organization', organizationId: ORGANIZATION_ID })).toMatchObject({ status: 400 });
    expect(refusal(null)).toMatchObject({ status: 400 });
    expect(refusal({ command: 'create-organization', name: '', ownerEmail: 'acme', role: 'owner' })).toEqual({
      status: 400,
      params: ['name', 'ownerEmail', 'role'],
    });
    expect(refusal({ command: 'suspend-organization', organizationId: 'org_1' }).params).toEqual(['organizationId']);
    expect(refusal({ command: 'set-rate-limits', organizationId: ORGANIZATION_ID }).params).toEqual(['test']);
    expect(refusal({ command: 'set-rate-limits', organizationId: ORGANIZATION_ID, test: 0, live: 1.5 }).params).toEqual(['live', 'test']);
  });

  it('answer a refused command as JSON with its status, before touching the table', async () => {
    const answer = await runAdminCommand({ command: 'suspend-organization' });

    expect(answer).toEqual({
      error: { status: 400, message: 'Invalid request parameter(s)', params: [{ param: 'organizationId', message: expect.any(String) }] },
    });
  });
});
