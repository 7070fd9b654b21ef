/**
 * Timestamps as the spec prints them: ISO 8601 with six fraction digits and an explicit
 * offset, e.g. 2022-05-02T12:20:13.080819+00:00. JavaScript clocks give milliseconds, so
 * the last three digits are zero.
 */
export function timestamp(date: Date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

/** A calendar date in ISO 8601 form (YYYY-MM-DD) that exists, such as 2024-02-29. */
export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}
