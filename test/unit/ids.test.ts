import { describe, expect, it } from 'vitest';
import { isId, ksuid, newId, randomBase62 } from '#shared/platform/ids';

describe('ids', () => {
  it('are a prefix and 27 base62 characters', () => {
    expect(newId('member')).toMatch(/^mem_[0-9A-Za-z]{27}$/);
    expect(newId('organization')).toMatch(/^org_[0-9A-Za-z]{27}$/);
  });

  it('sort in creation order, even many within one millisecond', () => {
    const now = Date.now();
    const ids = [
      ...Array.from({ length: 500 }, () => ksuid(now)),
      ...Array.from({ length: 500 }, () => ksuid(now + 1)),
      ...Array.from({ length: 10 }, (_, i) => ksuid(now + 1000 * (i + 1))),
    ];

    expect([...ids].sort()).toEqual(ids);
  });

  it('keep the KSUID timestamp in their first four bytes', () => {
    // KSUID epoch 1400000000: an id made at that second starts with zeros.
    expect(ksuid(1_400_000_000_000).startsWith('000000')).toBe(true);
    expect(ksuid(Date.now()) > ksuid(1_600_000_000_000)).toBe(true);
  });

  it('tells an id of a kind from anything else', () => {
    expect(isId('member', 'mem_28bnB4MCh2qygiyaHQ6jNGUbl10')).toBe(true);
    expect(isId('member', 'task_2BU1ecNdKXgRfRxPSjFDXfmv0tV')).toBe(false);
    expect(isId('member', 'mem_28bnB4MCh2qygiyaHQ6jNGUbl1')).toBe(false);
    expect(isId('member', 'mem_28bnB4MCh2qygiyaHQ6jNGUbl1!')).toBe(false);
  });

  it('makes random secrets of the asked length from base62 only, without repeats', () => {
    const secrets = Array.from({ length: 200 }, () => randomBase62(27));

    expect(secrets.every((secret) => /^[0-9A-Za-z]{27}$/.test(secret))).toBe(true);
    expect(new Set(secrets).size).toBe(secrets.length);
  });
});
