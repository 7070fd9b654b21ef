import { describe, expect, it } from 'vitest';
import { dataProblems, moveRefusal, REASON_CODE, type MoveFacts } from '#shared/identity/lifecycle/rules';
import { STATES, type State } from '#shared/identity/users/lifecycle';

const admin: MoveFacts = { self: false, actorIsOwner: false, targetIsOwner: false, hasLogin: true };
const at = (state: State, subState = 'x') => ({ state, subState });

/** Our matrix (docs/lifecycle.md), written out again so that a change to either is seen. */
const ALLOWED = new Set([
  'onboarding>active',
  'onboarding>inactive',
  'active>deboarding',
  'active>inactive',
  'deboarding>active',
  'deboarding>inactive',
  'inactive>active',
  'inactive>onboarding',
]);

describe('moveRefusal', () => {
  const pairs = STATES.flatMap((from) => STATES.filter((to) => to !== from).map((to) => [from, to] as const));

  it.each(pairs)('%s -> %s follows the matrix', (from, to) => {
    const refusal = moveRefusal(at(from, 'a'), at(to, 'b'), admin);
    if (ALLOWED.has(`${from}>${to}`)) expect(refusal).toBeUndefined();
    else expect(refusal).toMatchObject({ code: 'invalid_transition', detail: expect.stringContaining(`cannot move to ${to}`) });
  });

  it('allows a sub-state change within every state, also of oneself, and refuses the same state:sub-state again', () => {
    for (const state of STATES) {
      expect(moveRefusal(at(state, 'a'), at(state, 'b'), admin)).toBeUndefined();
      expect(moveRefusal(at(state, 'a'), at(state, 'b'), { ...admin, self: true })).toBeUndefined();
      expect(moveRefusal(at(state, 'a'), at(state, 'a'), admin)?.code).toBe('invalid_transition');
    }
  });

  it('refuses anyone changing their own state, whatever the move', () => {
    expect(moveRefusal(at('active'), at('inactive'), { ...admin, self: true })?.code).toBe('forbidden');
    expect(moveRefusal(at('active'), at('deboarding'), { ...admin, self: true })?.code).toBe('forbidden');
    expect(moveRefusal(at('deboarding'), at('active'), { ...admin, self: true })?.code).toBe('forbidden');
  });

  it('lets an inactive person become active only once they have set a password', () => {
    expect(moveRefusal(at('inactive'), at('active'), { ...admin, hasLogin: false })?.code).toBe('invalid_transition');
    expect(moveRefusal(at('inactive'), at('active'), admin)).toBeUndefined();
    expect(moveRefusal(at('inactive'), at('onboarding'), { ...admin, hasLogin: false })).toBeUndefined();
    expect(moveRefusal(at('onboarding'), at('active'), { ...admin, hasLogin: false })).toBeUndefined();
  });

  it('lets only an owner move an owner, sub-state included', () => {
    expect(moveRefusal(at('active'), at('deboarding'), { ...admin, targetIsOwner: true })?.code).toBe('forbidden');
    expect(moveRefusal(at('active', 'a'), at('active', 'b'), { ...admin, targetIsOwner: true })?.code).toBe('forbidden');
    expect(moveRefusal(at('active'), at('deboarding'), { ...admin, targetIsOwner: true, actorIsOwner: true })).toBeUndefined();
  });
});

describe('REASON_CODE', () => {
  it('takes short codes and refuses sentences, empty and long ones', () => {
    for (const good of ['R-104', 'R-ACCEPTED', 'r104', '7', 'a.b_c-d', 'A'.repeat(40)]) expect(REASON_CODE.test(good)).toBe(true);
    for (const bad of ['', '-R', 'R 104', 'R-104\n', 'Ré', 'A'.repeat(41), '<script>']) expect(REASON_CODE.test(bad)).toBe(false);
  });
});

describe('dataProblems', () => {
  it('takes scalars, and arrays and objects of scalars, up to 4 KB', () => {
    expect(dataProblems({})).toEqual([]);
    expect(dataProblems({ 'effective-at': '2026-01-01', days: 30, paid: true, note: null, tags: ['a', 1], handover: { to: 'usr_1' } })).toEqual([]);
    expect(dataProblems({ note: 'x'.repeat(4096 - '{"note":""}'.length) })).toEqual([]);
  });

  it('names what is nested too deeply, a bad key, a number the store cannot hold, and too many bytes', () => {
    expect(dataProblems({ a: { b: { c: 1 } } })).toEqual([{ path: ['a', 'b'], message: expect.stringContaining('data.a.b is nested too deeply') }]);
    expect(dataProblems({ list: [[1]] })).toEqual([{ path: ['list', 0], message: expect.stringContaining('data.list.0 is nested too deeply') }]);
    expect(dataProblems({ '': 1 })[0]!.message).toContain('data has an empty key');
    expect(dataProblems({ ['k'.repeat(101)]: 1 })[0]!.message).toContain('keys can be at most 100');
    expect(dataProblems({ big: 1e300 })[0]).toMatchObject({ path: ['big'] });
    expect(dataProblems({ note: 'x'.repeat(5 * 1024) })).toEqual([{ path: [], message: expect.stringContaining('at most 4096') }]);
  });

  it('keeps `constructor` and `toString` as the plain keys they are', () => {
    expect(dataProblems(JSON.parse('{"constructor": {"prototype": 1}, "toString": "x"}'))).toEqual([]);
  });
});
