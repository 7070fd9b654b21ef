import { randomBytes } from 'node:crypto';
import { expectOk, type Connection } from './http.ts';

/** The event types `GET /events` and webhook endpoints know. */
export const EVENT_TYPES = ['tasks.created', 'tasks.updated', 'tasks.completed', 'tasks.deleted'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(name: string): name is EventType {
  return (EVENT_TYPES as readonly string[]).includes(name);
}

/**
 * Makes the event happen for real, in the key's mode: a template, a member and a task (which
 * fires tasks.created), then the change the event names. Each object is new, so triggers never
 * disturb each other or existing data.
 */
export async function trigger(connection: Connection, type: EventType, out: (line: string) => void): Promise<void> {
  const suffix = randomBytes(5).toString('hex');
  const template = await expectOk(connection, 'POST', '/task_templates', {
    reference: `osma_trigger_${suffix}`,
    name: 'Made by osma trigger',
  });
  out(`Created task template ${template.reference}`);
  const member = await expectOk(connection, 'POST', '/members', { name: 'Trigger Member', email: `trigger-${suffix}@example.com` });
  out(`Created member ${member.id}`);
  const task = await expectOk(connection, 'POST', '/tasks', { template: template.reference, member: member.id, description: 'Made by osma trigger' });
  out(`Created task ${task.id} (tasks.created)`);
  if (type === 'tasks.updated') {
    await expectOk(connection, 'POST', `/tasks/${task.id}`, { description: 'Changed by osma trigger' });
    out(`Updated task ${task.id} (tasks.updated)`);
  } else if (type === 'tasks.completed') {
    await expectOk(connection, 'POST', `/tasks/${task.id}`, { status: 'completed' });
    out(`Completed task ${task.id} (tasks.completed)`);
  } else if (type === 'tasks.deleted') {
    await expectOk(connection, 'DELETE', `/tasks/${task.id}`);
    out(`Deleted task ${task.id} (tasks.deleted)`);
  }
  out(`Trigger succeeded: ${type}`);
}
