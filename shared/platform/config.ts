/** Settings read from the environment, the same names in Lambda and in the local stack. */
export function tableName(): string {
  return required('OSMA_TABLE_NAME');
}

/** The stage name the local stack gives itself; no deployed stage may take it (infra/stack.ts). */
export const LOCAL_STAGE = 'local';

let localStack = false;

/**
 * Marks this process as the local stack (`npm start`, the tests), which turns on the local-only
 * settings (webhooks to loopback, injected faults). Only local/stack.ts calls it, and no
 * function bundles local/, so nothing a deployment can set (OSMA_STAGE or any other variable)
 * turns them on in AWS.
 */
export function markLocalStack(): void {
  localStack = true;
}

export function isLocalStack(): boolean {
  return localStack;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
