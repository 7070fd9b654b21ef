import { ZxcvbnFactory, type Score } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import { isCommonPassword, passwordProblems, personalWords, type PasswordContext } from '#shared/identity/passwords/policy';
import { STRENGTH_LABELS, type StrengthLabel } from '#shared/identity/passwords/strength-labels';

/**
 * The strength estimate behind `POST /v1/password-strength/`: zxcvbn-ts with its common and
 * English dictionaries. It advises; `passwordProblems` decides. It lives apart from the
 * policy so that a route that only checks the rules does not load the estimator's
 * dictionaries (about 150 ms and several megabytes at a cold start).
 *
 * The estimator is built once, when this module loads, with the same dictionaries for every
 * caller: nothing in it depends on the organization or the person. What is personal (the
 * email address and names) goes with each call, as the estimator's user inputs.
 */

/**
 * Code points analysed. The estimator's cost grows faster than the length (its l33t and
 * repeat matchers), and a password past 100 characters is strong by length alone; the
 * measured worst case is in docs/passwords.md.
 */
export const ANALYSED_CODE_POINTS = 100;

/**
 * How many l33t characters the estimator tries to read back as letters (its default is 100).
 * The cost of a 100-character string of symbols falls from about 450 ms to about 120 ms, and
 * a password with more than 20 such characters is not a dictionary word in disguise.
 */
const L33T_MAX_SUBSTITUTIONS = 20;

const estimator = new ZxcvbnFactory({
  dictionary: { ...common.dictionary, ...english.dictionary },
  graphs: common.adjacencyGraphs,
  translations: english.translations,
  l33tMaxSubstitutions: L33T_MAX_SUBSTITUTIONS,
});

export { STRENGTH_LABELS, type StrengthLabel } from '#shared/identity/passwords/strength-labels';

export interface PasswordStrength {
  strength: { value: Score; label: StrengthLabel };
  /** The policy's problems first (they block the password), then the estimator's advice. */
  suggestions: string[];
  /**
   * The seed's breach check. No password, hash or hash prefix ever leaves the service, so
   * `times` is always null (not checked); `message` says so, and whether the password is on
   * the shipped list of common (leaked) passwords.
   */
  pwned: { times: null; message: string };
}

export function passwordStrength(password: string, context: PasswordContext = {}): PasswordStrength {
  const result = estimator.check(analysedPart(password), personalWords(context));
  const advice = [...passwordProblems(password, context), result.feedback.warning, ...result.feedback.suggestions];
  return {
    strength: { value: result.score, label: STRENGTH_LABELS[result.score] },
    suggestions: [...new Set(advice.filter((line): line is string => !!line))],
    pwned: { times: null, message: pwnedMessage(password) },
  };
}

function analysedPart(password: string): string {
  // Cut in UTF-16 units first, so that a huge input costs no more than a short one.
  return [...password.slice(0, ANALYSED_CODE_POINTS * 2)].slice(0, ANALYSED_CODE_POINTS).join('');
}

function pwnedMessage(password: string): string {
  const notChecked = 'Not checked against online breach data: this service never sends a password out.';
  return isCommonPassword(password)
    ? `${notChecked} It is on the list of common passwords drawn from leaked passwords.`
    : `${notChecked} It is not on the list of common passwords drawn from leaked passwords.`;
}
