import * as crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  CURRENT_PARAMETERS,
  DUMMY_HASH,
  dummyVerify,
  hashPassword,
  needsRehash,
  scryptMemoryBytes,
  verifyPassword,
  type ScryptParameters,
} from '#shared/identity/passwords/hash';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblems } from '#shared/identity/passwords/policy';
import { ANALYSED_CODE_POINTS, passwordStrength, STRENGTH_LABELS } from '#shared/identity/passwords/strength';

// The real timingSafeEqual, watched: the test of the constant-time comparison asks whether it was used.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const HASH_FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

/** A hash as an older release would have written it, with other parameters. */
function hashWith(password: string, { N, r, p, keyLength }: ScryptParameters, saltBytes = 16): string {
  const salt = crypto.randomBytes(saltBytes);
  const key = crypto.scryptSync(password.normalize('NFKC'), salt, keyLength, { N, r, p, maxmem: scryptMemoryBytes({ N, r, p }) });
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Replaces field `index` (0 = scheme) of a stored hash. */
function withField(stored: string, index: number, value: string): string {
  const fields = stored.split('$');
  fields[index] = value;
  return fields.join('$');
}

async function elapsed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe('password hashes', () => {
  it('hold the scheme, today\'s parameters, a 16-byte salt and a 32-byte key, and verify the password they were made from', async () => {
    // Act
    const stored = await hashPassword('correct horse battery staple');

    // Assess
    const [, N, r, p, salt, key] = HASH_FORMAT.exec(stored) ?? [];
    expect([N, r, p].map(Number)).toEqual([32768, 8, 1]);
    expect(Buffer.from(salt!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(key!, 'base64url')).toHaveLength(32);
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(needsRehash(stored)).toBe(false);
  });

  it('differ for the same password (a fresh salt each time), and both verify', async () => {
    // Act
    const [first, second] = await Promise.all([hashPassword('same password twice'), hashPassword('same password twice')]);

    // Assess
    expect(first).not.toBe(second);
    expect(await verifyPassword('same password twice', first)).toBe(true);
    expect(await verifyPassword('same password twice', second)).toBe(true);
  });

  it('refuse a wrong password, even one that differs only in case, a space or the last character', async () => {
    // Prepare
    const stored = await hashPassword('correct horse battery staple');

    // Act
    const results = await Promise.all(
      ['Correct horse battery staple', 'correct horse battery staple ', 'correct horse battery stapl', 'correct horse battery staplf', ''].map((wrong) =>
        verifyPassword(wrong, stored),
      ),
    );

    // Assess
    expect(results).toEqual([false, false, false, false, false]);
  });

  it('verify the same characters whether typed composed or decomposed (NFKC)', async () => {
    // Prepare
    const composed = 'caf\u00e9 au lait, s\u2019il vous pla\u00eet';
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);

    // Act
    const stored = await hashPassword(composed);

    // Assess
    expect(await verifyPassword(decomposed, stored)).toBe(true);
  });

  it('compare the derived key with timingSafeEqual', async () => {
    // Prepare
    const stored = await hashPassword('correct horse battery staple');
    const timingSafeEqual = vi.mocked(crypto.timingSafeEqual);
    timingSafeEqual.mockClear();

    // Act
    const right = await verifyPassword('correct horse battery staple', stored);
    const wrong = await verifyPassword('wrong horse battery staple', stored);

    // Assess
    expect([right, wrong]).toEqual([true, false]);
    expect(timingSafeEqual).toHaveBeenCalledTimes(2);
    expect(timingSafeEqual.mock.calls[0]![1]).toEqual(Buffer.from(stored.split('$')[5]!, 'base64url'));
  });

  it('made with older parameters still verify, and ask to be made again', async () => {
    // Prepare
    const older: ScryptParameters[] = [
      { N: 2 ** 14, r: 8, p: 1, keyLength: 32 },
      { N: 2 ** 12, r: 8, p: 2, keyLength: 64 },
      { N: 2 ** 15, r: 4, p: 1, keyLength: 32 },
    ];
    const stored = older.map((parameters) => hashWith('an older password', parameters));
    const shortSalt = hashWith('an older password', CURRENT_PARAMETERS, 8);

    // Act
    const verified = await Promise.all([...stored, shortSalt].map((hash) => verifyPassword('an older password', hash)));
    const wrong = await Promise.all(stored.map((hash) => verifyPassword('another password', hash)));

    // Assess
    expect(verified).toEqual([true, true, true, true]);
    expect(wrong).toEqual([false, false, false]);
    expect([...stored, shortSalt].map(needsRehash)).toEqual([true, true, true, true]);
  });

  it('that are malformed or tampered with verify as false, never throw, and cost no more than an ordinary verification', async () => {
    // Prepare
    const stored = await hashPassword('correct horse battery staple');
    const key = stored.split('$')[5]!;
    const flipped = `${key.slice(0, -2)}${key.at(-2) === 'A' ? 'B' : 'A'}${key.at(-1)}`;
    const tampered = [
      withField(stored, 5, flipped), // another key
      withField(stored, 4, 'AAAAAAAAAAAAAAAAAAAAAA'), // another salt
      withField(stored, 1, '16384'), // other (valid) parameters
      withField(stored, 1, '32767'), // N not a power of two
      withField(stored, 1, String(2 ** 30)), // N past the bounds, asking for 1 TiB
      withField(stored, 1, String(2 ** 20)), // N and r within their bounds, together asking for 1 GiB
      withField(stored, 2, '64'), // r past the bounds (256 MiB of memory at most)
      withField(stored, 3, '0'),
      withField(stored, 2, '08'),
      withField(stored, 1, '-32768'),
      withField(stored, 0, 'bcrypt'),
      withField(stored, 5, `${key}=`), // padding
      withField(stored, 5, key.replace(/[A-Za-z0-9]/, '+')), // plain base64, not base64url
      withField(stored, 5, key.slice(0, 20)), // a key shorter than 16 bytes
      withField(stored, 4, 'AAAA'), // a salt shorter than 8 bytes
      `${stored}$extra`,
      stored.split('$').slice(0, 5).join('$'),
      stored.toUpperCase(),
      '',
      'not a hash',
      undefined as unknown as string,
    ];

    // Act
    const results = await Promise.all(tampered.map((hash) => verifyPassword('correct horse battery staple', hash)));
    const outOfBounds = await elapsed(() =>
      Promise.all([2 ** 30, 2 ** 20].map((N) => verifyPassword('correct horse battery staple', withField(stored, 1, String(N))))),
    );

    // Assess
    expect(results).toEqual(tampered.map(() => false));
    expect(outOfBounds).toBeLessThan(1000);
    expect(tampered.slice(3).every(needsRehash)).toBe(true);
  });
});

describe('the dummy verification (a login for an unknown email)', () => {
  it('uses a hash with today\'s parameters, so it is remade whenever they change', () => {
    expect(needsRehash(DUMMY_HASH)).toBe(false);
  });

  it('is always false, and is what verifying against no stored hash does', async () => {
    expect(await dummyVerify('correct horse battery staple')).toBe(false);
    expect(await dummyVerify('')).toBe(false);
    expect(await verifyPassword('correct horse battery staple', undefined)).toBe(false);
  });

  it('takes the time of a wrong password against a real hash, within noise', async () => {
    // Prepare
    const stored = await hashPassword('the real password');
    await Promise.all([verifyPassword('warm up', stored), dummyVerify('warm up')]);
    const ratios: number[] = [];

    // Act: in pairs, one right after the other, so that the machine's load (other tests, other
    // processes) weighs on both sides of a pair alike; the median pair speaks for the rest.
    for (let round = 0; round < 15; round++) {
      const wrongPassword = await elapsed(() => verifyPassword('a wrong password', stored));
      const unknownEmail = await elapsed(() => (round % 2 ? dummyVerify('a wrong password') : verifyPassword('a wrong password', undefined)));
      ratios.push(unknownEmail / wrongPassword);
    }

    // Assess: a dummy that skipped the work would be near 0, one with half the cost near 0.5.
    expect(median(ratios)).toBeGreaterThan(0.7);
    expect(median(ratios)).toBeLessThan(1.43);
  });
});

describe('password policy', () => {
  const emoji = '\u{1F600}';

  it(`counts Unicode code points: ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH}`, () => {
    // Prepare: distinct characters, so that only the length rule can speak.
    const ofLength = (length: number) => Array.from({ length }, (_, i) => String.fromCodePoint(0x4e00 + i)).join('');

    // Act
    const [nine, ten, max, tooLong] = [9, 10, 255, 256].map((length) => passwordProblems(ofLength(length)));

    // Assess
    expect(nine).toEqual(['The password must have at least 10 characters; it has 9.']);
    expect(ten).toEqual([]);
    expect(max).toEqual([]);
    expect(tooLong).toEqual(['The password must have at most 255 characters; it has 256.']);
  });

  it('counts an emoji as one character, though it is two UTF-16 units', () => {
    // Prepare
    const nineEmoji = `${emoji}a${emoji}b${emoji}c${emoji}d${emoji}`;
    expect(nineEmoji).toHaveLength(14);

    // Act / Assess
    expect(passwordProblems(nineEmoji)).toEqual(['The password must have at least 10 characters; it has 9.']);
    expect(passwordProblems(`${nineEmoji}e`)).toEqual([]);
    expect(passwordProblems(`${emoji}x`.repeat(127) + emoji)).toEqual([]);
    expect(passwordProblems(`${emoji}x`.repeat(128))).toEqual(['The password must have at most 255 characters; it has 256.']);
  });

  it('refuses common passwords whatever their case, and with spaces around them', () => {
    for (const common of ['password123', 'qwertyuiop', 'PASSWORD123', 'Password123', 'QwErTyUiOp', ' password123 ', '1q2w3e4r5t', 'basketball']) {
      expect(passwordProblems(common), common).toEqual(['The password is on a list of common passwords; choose another.']);
    }
  });

  it("refuses the person's email address, its local part and their names, on letters and digits", () => {
    // Prepare
    const context = { email: 'alice.smith@lookingglass.test', names: ['Alice', 'Smith'] };

    // Act
    const refused = ['alice.smith@lookingglass.test', 'ALICE.SMITH@LOOKINGGLASS.TEST', 'Alice Smith', 'alice-smith', 'SmithAlice', 'LookingGlass'].map(
      (password) => passwordProblems(password, context),
    );
    const longName = passwordProblems('Bartholomew', { names: ['Bartholomew', 'Li'] });

    // Assess
    for (const problems of [...refused, longName]) {
      expect(problems).toEqual(['The password must not be your email address, a part of it, or your name.']);
    }
    expect(passwordProblems('alice smith steps through the looking glass', context)).toEqual([]);
    expect(passwordProblems('Bartholomew', {})).toEqual([]);
  });

  it('refuses text that is not valid Unicode (a lone surrogate)', () => {
    expect(passwordProblems('correct horse \ud800 battery')).toEqual(['The password must be valid Unicode text.']);
  });

  it('accepts a long passphrase, and names every problem of a bad password', () => {
    expect(passwordProblems('correct horse battery staple')).toEqual([]);
    expect(passwordProblems('alice', { names: ['Alice'] })).toEqual([
      'The password must have at least 10 characters; it has 5.',
      'The password must not be your email address, a part of it, or your name.',
    ]);
  });

  it('stops at the length of a huge input without more work', () => {
    // Act
    const start = performance.now();
    const problems = passwordProblems('x'.repeat(1_000_000), { email: 'alice@wonderland.test' });

    // Assess
    expect(problems).toEqual(['The password must have at most 255 characters; it has 1000000.']);
    expect(performance.now() - start).toBeLessThan(200);
  });
});

describe('password strength', () => {
  it('labels 0 to 4 in order, and rises with the password on a few examples', () => {
    // Act
    const estimates = ['monkey', 'monkey1234', 'monkey lamp', 'tiger lily 9', 'monkey battery lamp'].map((password) => passwordStrength(password).strength);

    // Assess
    expect(estimates).toEqual([
      { value: 0, label: 'very weak' },
      { value: 1, label: 'weak' },
      { value: 2, label: 'fair' },
      { value: 3, label: 'strong' },
      { value: 4, label: 'very strong' },
    ]);
    expect(STRENGTH_LABELS).toEqual(['very weak', 'weak', 'fair', 'strong', 'very strong']);
  });

  it('rates a common password very weak, and puts the policy problems first among the suggestions', () => {
    // Act
    const { strength, suggestions } = passwordStrength('password123');

    // Assess
    expect(strength).toEqual({ value: 0, label: 'very weak' });
    expect(suggestions[0]).toBe('The password is on a list of common passwords; choose another.');
    expect(suggestions.length).toBeGreaterThan(1);
    expect(new Set(suggestions).size).toBe(suggestions.length);
  });

  it("rates a password lower when it is made of the person's own name", () => {
    // Act
    const stranger = passwordStrength('alicesmith2024').strength.value;
    const alice = passwordStrength('alicesmith2024', { email: 'alice@wonderland.test', names: ['Alice', 'Smith'] }).strength.value;

    // Assess
    expect(alice).toBeLessThan(stranger);
  });

  it('never checks online breach data, and says so: pwned.times is null', () => {
    // Act
    const common = passwordStrength('password123').pwned;
    const rare = passwordStrength('monkey battery lamp').pwned;

    // Assess
    expect(common.times).toBeNull();
    expect(rare.times).toBeNull();
    expect(common.message).toMatch(/^Not checked against online breach data.* It is on the list of common passwords/);
    expect(rare.message).toMatch(/^Not checked against online breach data.* It is not on the list of common passwords/);
  });

  it(`analyses the first ${ANALYSED_CODE_POINTS} code points only`, () => {
    // Prepare
    const weakStart = 'a'.repeat(ANALYSED_CODE_POINTS);
    const strongTail = 'kR9#vQ2!mZ7$wL4x'.repeat(9);

    // Act
    const analysedAlone = passwordStrength(weakStart).strength;
    const withTail = passwordStrength(`${weakStart}${strongTail}`).strength;

    // Assess
    expect(analysedAlone.value).toBeLessThan(4);
    expect(withTail).toEqual(analysedAlone);
  });

  it('takes under a second on the worst 255-character inputs found', () => {
    // Prepare: the estimator's slow cases are l33t symbols, repeated l33t words, dates and digits, and random text.
    const of255 = (unit: string) => [...unit.repeat(Math.ceil(255 / [...unit].length))].slice(0, 255).join('');
    const worst = [
      of255('P@ssw0rd'),
      of255('p4$$w0rd'),
      of255('4@1!3$0|7+5'),
      of255('19901231'),
      of255('0123456789'),
      of255('\u{1F600}a'),
      Array.from({ length: 255 }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 94))).join(''),
    ];
    passwordStrength('warm up the estimator');

    // Act
    const timings = worst.map((password) => {
      const start = performance.now();
      const { strength } = passwordStrength(password);
      expect(strength.value).toBeGreaterThanOrEqual(0);
      return performance.now() - start;
    });

    // Assess
    expect(Math.max(...timings)).toBeLessThan(1000);
  });
});
