import { openSync, writeSync } from 'node:fs';
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { logger } from '#shared/platform/logger';

/**
 * `npm start` keeps the terminal for people: the banner, and one short line for each warning
 * or error. The structured JSON lines (a line per request, per delivery attempt, ...) go to a
 * file, where they do not scroll the keys away, written synchronously so that a kill loses none.
 *
 * Powertools' Logger offers no setting for where it writes: it prints through a Console of its
 * own, made on process.stdout and process.stderr. That Console is swapped here for one on the
 * file, with the same patch Powertools makes (trace logs as log, without a stack trace).
 */
export function sendLogsToFile(file: string, terminal: NodeJS.WritableStream = process.stderr): void {
  const fd = openSync(file, 'a');
  const toFile = lineWriter((line) => writeSync(fd, line));
  const toFileAndTerminal = lineWriter((line) => {
    writeSync(fd, line);
    terminal.write(summary(line, file));
  });
  const console = new Console({ stdout: toFile, stderr: toFileAndTerminal });
  console.trace = console.log;
  (logger as unknown as { console: Console }).console = console;
}

function lineWriter(write: (line: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      write(chunk.toString());
      done();
    },
  });
}

/** `warning: <message>` (or `error: <message>: <the error's message>`), and where the rest is. */
function summary(line: string, file: string): string {
  try {
    const entry = JSON.parse(line) as { level?: string; message?: string; error?: { message?: string } };
    const level = entry.level === 'WARN' ? 'warning' : (entry.level ?? 'error').toLowerCase();
    const cause = entry.error?.message ? `: ${entry.error.message}` : '';
    return `${level}: ${entry.message ?? ''}${cause} (details in ${file})\n`;
  } catch {
    return line;
  }
}
