import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * The rules a new password must meet, checked wherever one is set (the first owner, an
 * accepted invitation, a reset, a change). Length is counted in Unicode code points, so an
 * emoji or an accented letter is one character whatever its UTF-16 or UTF-8 size. Nothing
 * here leaves the process: the common passwords are the list shipped in
 * `@zxcvbn-ts/language-common`.
 *
 * docs/passwords.md lists the rules and why there are no others (no required character
 * classes, no expiry).
 */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 255;

/** Who the password is for: it must not be their email address or their name. */
export interface PasswordContext {
  email?: string;
  names?: readonly string[];
}

/**
 * The list holds about 49,000 leaked passwords, all lower case; only those long enough to
 * pass the length rule can ever match, so only those (about 1,500) are kept in memory.
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  dictionary['passwords-common'].map(String).filter((password) => codePoints(password) >= PASSWORD_MIN_LENGTH),
);

/** Every rule `password` breaks, as sentences for the person choosing it; empty when it is acceptable. */
export function passwordProblems(password: string, context: PasswordContext = {}): string[] {
  const length = codePoints(password);
  // Past the maximum nothing else is worth computing, whatever size the input is.
  if (length > PASSWORD_MAX_LENGTH) return [`The password must have at most ${PASSWORD_MAX_LENGTH} characters; it has ${length}.`];
  const problems: string[] = [];
  if (length < PASSWORD_MIN_LENGTH) problems.push(`The password must have at least ${PASSWORD_MIN_LENGTH} characters; it has ${length}.`);
  if (LONE_SURROGATE.test(password)) problems.push('The password must be valid Unicode text.');
  if (isCommonPassword(password)) problems.push('The password is on a list of common passwords; choose another.');
  if (isPersonal(password, context)) problems.push('The password must not be your email address, a part of it, or your name.');
  return problems;
}

/** Compared case-insensitively, and ignoring spaces around it. */
export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(password.normalize('NFKC').trim().toLowerCase());
}

/**
 * Equal to the email address, its local part, one of the names or the names together,
 * compared on letters and digits only (`Alice.Smith`, `alice smith` and `ALICESMITH` are all
 * the name Alice Smith). Containing them is left to the strength estimate, which sees them.
 */
function isPersonal(password: string, { email, names = [] }: PasswordContext): boolean {
  const candidate = lettersAndDigits(password);
  if (!candidate) return false;
  return personalWords({ email, names }).some((word) => lettersAndDigits(word) === candidate);
}

/** The words of a person the password must not be; also what the strength estimate looks for. */
export function personalWords({ email, names = [] }: PasswordContext): string[] {
  const words = [...names];
  if (email) {
    // The whole address, its local part, and its domain's names without the last one (`acme` of `a@acme.test`).
    const [local = '', domain = ''] = email.split('@');
    words.push(email, local, ...domain.split('.').slice(0, -1));
  }
  if (names.length > 1) words.push(names.join(''), [...names].reverse().join(''));
  return words.filter((word) => word.trim());
}

function lettersAndDigits(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/** With the `u` flag a paired surrogate is one code point, so only a lone one matches. */
const LONE_SURROGATE = /\p{Cs}/u;

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
