import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/**
 * fauxqs keeps its queues in memory, where SQS keeps a message until it is deleted. The journal
 * gives the local webhook queue that durability: each message sent to it is written to a file
 * under the data dir, each deletion too, and the next start sends again every message that was
 * never deleted: a delivery waiting for its next try, or routed and not yet tried, when the
 * stack stopped or was killed. The sender reads where each delivery stands in the table, so a
 * message that comes back early sleeps until its try is due, and one that is no longer needed
 * is dropped.
 *
 * The file is JSON lines, `{"sent": [...]}` and `{"deleted": [...]}`, appended synchronously:
 * a line is on disk before the router reports its batch done. A torn last line (a kill in the
 * middle of a write) is skipped.
 */
export interface JournaledMessage {
  id: string;
  body: string;
  /** Epoch milliseconds when the message becomes visible (its send delay). */
  visibleAt: number;
}

export interface QueueJournal {
  sent: (messages: JournaledMessage[]) => void;
  deleted: (ids: string[]) => void;
}

type Line = { sent: JournaledMessage[] } | { deleted: string[] };

/** Rewrite the file with only the live messages once it holds this many lines and four times more than live. */
const COMPACT_AFTER_LINES = 1_000;

/**
 * Opens the journal and returns the messages the previous run left. The file is rewritten at
 * once to hold just those, so it starts small; they stay in it until sent again (their new ids
 * written, their old ones deleted), so a stop in the middle of that loses none of them.
 */
export function openQueueJournal(file: string): { journal: QueueJournal; left: JournaledMessage[] } {
  const live = new Map<string, JournaledMessage>();
  if (existsSync(file)) {
    for (const text of readFileSync(file, 'utf8').split('\n')) {
      const line = parseLine(text);
      if (!line) continue;
      if ('sent' in line) for (const message of line.sent) live.set(message.id, message);
      else for (const id of line.deleted) live.delete(id);
    }
  }
  let lines = 0;
  const compact = () => {
    const next = `${file}.next`;
    writeFileSync(next, live.size ? `${JSON.stringify({ sent: [...live.values()] })}\n` : '');
    renameSync(next, file);
    lines = live.size ? 1 : 0;
  };
  const append = (line: Line) => {
    appendFileSync(file, `${JSON.stringify(line)}\n`);
    lines += 1;
    if (lines > COMPACT_AFTER_LINES && lines > 4 * live.size) compact();
  };
  compact();
  const left = [...live.values()];
  return {
    left,
    journal: {
      sent: (messages) => {
        if (messages.length === 0) return;
        for (const message of messages) live.set(message.id, message);
        append({ sent: messages });
      },
      deleted: (ids) => {
        const known = ids.filter((id) => live.delete(id));
        if (known.length) append({ deleted: known });
      },
    },
  };
}

function parseLine(text: string): Line | undefined {
  if (!text.trim()) return undefined;
  try {
    const line = JSON.parse(text) as Partial<{ sent: unknown; deleted: unknown }>;
    if (Array.isArray(line.sent)) return { sent: line.sent as JournaledMessage[] };
    if (Array.isArray(line.deleted)) return { deleted: line.deleted as string[] };
  } catch {
    // a line torn by a kill
  }
  return undefined;
}
