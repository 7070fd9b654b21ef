import { cpus } from 'node:os';
import { CURRENT_PARAMETERS, dummyVerify, hashPassword, scryptMemoryBytes, verifyPassword } from '#shared/identity/passwords/hash';
import { passwordProblems } from '#shared/identity/passwords/policy';

/**
 * `npx tsx bench/measure-passwords.ts`: what passwords cost on this machine, in process (no
 * stack): one scrypt hash, a verification (right, wrong, and the dummy one an unknown email
 * gets), the policy check, loading the strength estimator, and its slowest inputs. A login's
 * cost is mostly one verification; docs/passwords.md keeps the numbers of the last run.
 */
const ROUNDS = Number(process.env.ROUNDS ?? 30);

async function timed(run: () => unknown): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

async function sample(run: () => unknown, rounds = ROUNDS): Promise<number[]> {
  await run(); // warm up
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) times.push(await timed(run));
  return times.sort((a, b) => a - b);
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const row = (name: string, sorted: number[]) =>
  console.log(`${name.padEnd(48)} median ${percentile(sorted, 0.5).toFixed(1).padStart(7)} ms   p95 ${percentile(sorted, 0.95).toFixed(1).padStart(7)} ms`);

const { N, r, p } = CURRENT_PARAMETERS;
console.log(`scrypt N=${N} r=${r} p=${p}, ${(scryptMemoryBytes(CURRENT_PARAMETERS) / 2 ** 20).toFixed(1)} MiB; ${cpus().length} x ${cpus()[0]?.model}; node ${process.version}`);

const stored = await hashPassword('correct horse battery staple');
row('hashPassword', await sample(() => hashPassword('correct horse battery staple')));
row('verifyPassword, right password', await sample(() => verifyPassword('correct horse battery staple', stored)));
row('verifyPassword, wrong password', await sample(() => verifyPassword('wrong horse battery staple', stored)));
row('dummyVerify (unknown email)', await sample(() => dummyVerify('wrong horse battery staple')));

const ratios: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const wrong = await timed(() => verifyPassword('wrong horse battery staple', stored));
  ratios.push((await timed(() => dummyVerify('wrong horse battery staple'))) / wrong);
}
ratios.sort((a, b) => a - b);
console.log(`${'dummy / wrong password, paired'.padEnd(48)} median ${percentile(ratios, 0.5).toFixed(3).padStart(7)}      p5..p95 ${percentile(ratios, 0.05).toFixed(3)}..${percentile(ratios, 0.95).toFixed(3)}`);

row('passwordProblems (255 characters)', await sample(() => passwordProblems('x7'.repeat(127) + 'y', { email: 'alice@example.test', names: ['Alice'] }), 1000));

const loadTime = await timed(() => import('#shared/identity/passwords/strength'));
console.log(`${'strength module load (dictionaries, estimator)'.padEnd(48)} ${loadTime.toFixed(0)} ms once`);
const { passwordStrength } = await import('#shared/identity/passwords/strength');
const of255 = (unit: string) => [...unit.repeat(255)].slice(0, 255).join('');
for (const [name, password] of [
  ['a passphrase', 'correct horse battery staple'],
  ['255 x "P@ssw0rd" repeated', of255('P@ssw0rd')],
  ['255 x "4@1!3$0|7+5" repeated', of255('4@1!3$0|7+5')],
  ['255 x digits', of255('0123456789')],
  ['255 x "19901231" repeated', of255('19901231')],
  ['255 printable characters', Array.from({ length: 255 }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 94))).join('')],
] as const) {
  row(`passwordStrength, ${name}`, await sample(() => passwordStrength(password), 10));
}
