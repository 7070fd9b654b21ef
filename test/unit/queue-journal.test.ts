import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openQueueJournal } from '#local/queue-journal';

const dir = mkdtempSync(join(tmpdir(), 'osma-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newFile = () => join(dir, `journal-${(files += 1)}.jsonl`);
const message = (id: string) => ({ id, body: `{"event":"${id}"}`, visibleAt: 1_000 });

describe('the local webhook queue journal', () => {
  it('gives back, at the next open, exactly the messages sent and never deleted', () => {
    // Prepare
    const file = newFile();
    const { journal, left } = openQueueJournal(file);
    journal.sent([message('a'), message('b')]);
    journal.sent([message('c')]);
    journal.deleted(['a', 'unknown']);

    // Act
    const reopened = openQueueJournal(file);

    // Assess
    expect(left).toEqual([]);
    expect(reopened.left).toEqual([message('b'), message('c')]);
  });

  it('skips a line torn by a kill in the middle of a write', () => {
    // Prepare
    const file = newFile();
    openQueueJournal(file).journal.sent([message('a')]);
    appendFileSync(file, '{"sent":[{"id":"b","bo');

    // Act
    const { left } = openQueueJournal(file);

    // Assess
    expect(left).toEqual([message('a')]);
  });

  it('keeps a message until it was sent again under its new id, so a stop while sending again loses none', () => {
    // Prepare
    const file = newFile();
    openQueueJournal(file).journal.sent([message('old-1'), message('old-2')]);

    // Act: the next run sends old-1 again as new-1, and stops before old-2
    const next = openQueueJournal(file);
    next.journal.sent([{ ...message('old-1'), id: 'new-1' }]);
    next.journal.deleted(['old-1']);
    const after = openQueueJournal(file);

    // Assess
    expect(next.left.map((left) => left.id)).toEqual(['old-1', 'old-2']);
    expect(after.left.map((left) => left.id)).toEqual(['old-2', 'new-1']);
  });

  it('rewrites itself small at each open and when it holds far more lines than live messages', () => {
    // Prepare
    const file = newFile();
    const { journal } = openQueueJournal(file);

    // Act
    for (let i = 0; i < 3_000; i += 1) {
      journal.sent([message(`m${i}`)]);
      journal.deleted([`m${i}`]);
    }
    journal.sent([message('kept')]);
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
    openQueueJournal(file);

    // Assess
    expect(lines).toBeLessThan(1_100);
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toEqual([JSON.stringify({ sent: [message('kept')] })]);
  });
});
