import { describe, expect, it } from 'vitest';
import { parseInput } from '#shared/http/validation';
import {
  attributeKeyProblems,
  listUsersQuery,
  lookupQuery,
  parseStateFilter,
  parseUserReference,
  userPatch,
} from '#shared/identity/users/schemas';
import { newId } from '#shared/platform/ids';

const refused = (schema: Parameters<typeof parseInput>[0], input: unknown) => {
  try {
    parseInput(schema, input, 'body');
  } catch (error) {
    return (error as { params: { param: string; message: string }[] }).params;
  }
  throw new Error('accepted');
};

describe('the users routes input rules', () => {
  it('canonicalizes a locale and a mobile country code, and trims names', () => {
    const patch = userPatch.parse({ locale: 'EN-gb', 'primary-mobile': { 'country-code': '91', number: '0123' }, 'first-name': ' Ana ' });
    expect(patch).toEqual({ locale: 'en-GB', 'primary-mobile': { 'country-code': '+91', number: '0123' }, 'first-name': 'Ana' });
  });

  it('names every invalid attribute, and points at the routes that change the rest', () => {
    const params = refused(userPatch, {
      locale: 'xx-!!',
      phone: '+0123',
      'external-ref': 'a/b',
      'work-locations': [''],
      'secondary-mobile': { 'country-code': '+12345', number: '12345678901' },
      state: 'active',
      'middle-name': 'a\u0000b',
    });
    expect(params.map((param) => param.param).sort()).toEqual(
      ['external-ref', 'locale', 'middle-name', 'phone', 'secondary-mobile.country-code', 'secondary-mobile.number', 'state', 'work-locations.0'].sort(),
    );
    expect(params.find((param) => param.param === 'state')!.message).toContain('state-transitions');
  });

  it('reads state filters and user references, refusing what is neither', () => {
    expect(parseStateFilter('active')).toEqual({ state: 'active' });
    expect(parseStateFilter('deboarding:notice_period')).toEqual({ state: 'deboarding', subState: 'notice_period' });
    for (const bad of ['retired', 'active:', 'active:Leave', 'active:a:b', '']) expect(parseStateFilter(bad), bad).toBeUndefined();
    const id = newId('user');
    expect(parseUserReference(id)).toEqual({ kind: 'id', id });
    expect(parseUserReference('ref:EMP-1')).toEqual({ kind: 'ref', ref: 'EMP-1' });
    for (const bad of ['ref:', 'ref:a b', 'usr_short', newId('role'), 'EMP-1']) expect(parseUserReference(bad), bad).toBeUndefined();
  });

  it('limits custom attribute keys: count, length, empty or blank', () => {
    expect(attributeKeyProblems(['a', 'constructor', '__proto__'])).toEqual([]);
    expect(attributeKeyProblems(Array.from({ length: 51 }, (_, i) => `k${i}`))).toHaveLength(1);
    expect(attributeKeyProblems(['', ' '])).toEqual(['attributes keys must not be empty or blank']);
    expect(attributeKeyProblems(['x'.repeat(51)])[0]).toContain('at most 50 characters');
  });

  it('reads select and ids lists, refusing unknown attribute names and more than ten ids', () => {
    expect(listUsersQuery.parse({ select: 'email, state,,id' }).select).toEqual(['email', 'state', 'id']);
    expect(refused(listUsersQuery, { select: 'email,secret' })[0]!.message).toContain('secret');
    expect(lookupQuery.parse({ ids: 'a, b,a' }).ids).toEqual(['a', 'b']);
    expect(refused(lookupQuery, { ids: Array.from({ length: 11 }, (_, i) => `x${i}`).join(',') })[0]!.param).toBe('ids');
  });
});
