/** Settings read from the environment, the same names in Lambda and in the local stack. */
export function tableName(): string {
  return required('OSMA_TABLE_NAME');
}

/** The deployed stage, `local` for `npm start` and the tests. */
export function stage(): string {
  return process.env.OSMA_STAGE ?? 'local';
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
