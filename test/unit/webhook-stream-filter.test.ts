import { describe, expect, it } from 'vitest';
import { matchesFilter, matchesPattern } from '#shared/api/webhooks/stream-filter';

const record = (eventName: string, image: Record<string, unknown>) => ({ eventName, dynamodb: { NewImage: image } });

describe('the event router stream filter', () => {
  it('passes new events and resend requests, nothing else', () => {
    // Prepare
    const newEvent = record('INSERT', { entity: { S: 'event' } });
    const resendInsert = record('INSERT', { entity: { S: 'webhook_delivery' }, resend_requested_at: { S: 'now' } });
    const resendModify = record('MODIFY', { entity: { S: 'webhook_delivery' }, resend_requested_at: { S: 'now' } });
    const attemptRecorded = record('MODIFY', { entity: { S: 'webhook_delivery' } });
    const eventChanged = record('MODIFY', { entity: { S: 'event' } });
    const eventExpired = { eventName: 'REMOVE', dynamodb: { OldImage: { entity: { S: 'event' } } } };
    const task = record('INSERT', { entity: { S: 'task' } });

    // Act / Assess
    expect([newEvent, resendInsert, resendModify].map((r) => matchesFilter(r))).toEqual([true, true, true]);
    expect([attemptRecorded, eventChanged, eventExpired, task].map((r) => matchesFilter(r))).toEqual([false, false, false, false]);
  });

  it('reads exists: false as absence', () => {
    expect(matchesPattern({ a: { S: 'x' } }, { b: [{ exists: false }] })).toBe(true);
    expect(matchesPattern({ b: 'x' }, { b: [{ exists: false }] })).toBe(false);
  });
});
