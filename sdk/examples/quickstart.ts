/**
 * Creates a member, a task template and a task for the member, then lists members and tasks.
 * Run it with a test key against the local stack:
 *
 *   OSMA_API_KEY=sk_test_... npm run example -w sdk
 *
 * (OSMA_API_BASE points it elsewhere; http://localhost:3000 by default.)
 */
import { Osma, OsmaError } from '../src/index.ts';

const apiKey = process.env.OSMA_API_KEY;
if (!apiKey) {
  process.stderr.write('Set OSMA_API_KEY to a test key (sk_test_...).\n');
  process.exit(1);
}

const osma = new Osma({ apiKey });

try {
  const member = await osma.members.create({ name: 'Daisy Demo', email: `daisy-${Date.now()}@example.com` });
  console.log(`member   ${member.id}  ${member.name}`);

  const template = await osma.taskTemplates.create({ reference: `quickstart_${Date.now()}`, name: 'Check blood pressure' });
  console.log(`template ${template.reference}  version ${template.version}`);

  const task = await osma.tasks.create({ template: template.reference, member: member.id, priority: 'routine' });
  console.log(`task     ${task.id}  ${task.status}`);

  console.log('\nmembers:');
  for await (const each of osma.members.list({ limit: 100 })) console.log(`  ${each.id}  ${each.name}`);
  console.log(`tasks of ${member.id}:`);
  for await (const each of osma.tasks.list({ member: member.id })) console.log(`  ${each.id}  ${each.status}`);
} catch (error) {
  if (!(error instanceof OsmaError)) throw error;
  process.stderr.write(`${error.name} (${error.status ?? 'no answer'} ${error.code ?? ''}): ${error.message}\nrequest-id: ${error.requestId ?? '-'}\n`);
  process.exit(1);
}
