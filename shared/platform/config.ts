/**
 * Configuration: every setting is an environment variable, with the same name in Lambda and
 * in the local stack, and is read through one of these functions, so each is read, checked
 * and refused the same way. A bad value is a deployment mistake: it fails loudly with the
 * variable's name and what it takes, never guessed around. Reading the environment anywhere
 * else in shared/ or functions/ is a mistake a test looks for.
 */
export type Environment = Readonly<Record<string, string | undefined>>;

/** A setting that must be there. */
export function requiredSetting(name: string, env: Environment = process.env): string {
  const value = env[name]?.trim();
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** A setting that may be absent (undefined), trimmed. */
export function optionalSetting(name: string, env: Environment = process.env): string | undefined {
  return env[name]?.trim() || undefined;
}

/** A whole number from `min` to `max`, or `fallback` when the variable is absent or empty. */
export function integerSetting(
  name: string,
  options: { fallback: number; min?: number; max?: number },
  env: Environment = process.env,
): number {
  const raw = optionalSetting(name, env);
  if (raw === undefined) return options.fallback;
  const { min = 1, max = Number.MAX_SAFE_INTEGER } = options;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}; got '${raw}'`);
  }
  return value;
}

/** `true` or `false` (any case); `fallback` when absent. */
export function booleanSetting(name: string, fallback: boolean, env: Environment = process.env): boolean {
  const raw = optionalSetting(name, env)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (raw !== 'true' && raw !== 'false') throw new Error(`${name} must be true or false; got '${raw}'`);
  return raw === 'true';
}

export function tableName(): string {
  return requiredSetting('OSMA_TABLE_NAME');
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
