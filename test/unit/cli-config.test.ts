import { describe, expect, it } from 'vitest';
import { bodyFrom, connectionFrom, durationMs, UsageError } from '../../sdk/src/cli/config.ts';
import { createdMs } from '../../sdk/src/cli/listen.ts';

describe('osma CLI options', () => {
  it('refuses a live key without --live, and no key at all', () => {
    expect(() => connectionFrom({ apiKey: 'sk_live_abc' }, {})).toThrow(UsageError);
    expect(() => connectionFrom({}, { OSMA_API_KEY: 'sk_live_abc' })).toThrow(/--live/);
    expect(connectionFrom({ apiKey: 'sk_live_abc', live: true }, {})).toEqual({ apiKey: 'sk_live_abc', apiBase: 'http://localhost:3000' });
    expect(() => connectionFrom({}, {})).toThrow(/OSMA_API_KEY/);
    expect(connectionFrom({}, { OSMA_API_KEY: 'sk_test_x', OSMA_API_BASE: 'http://api:1' }).apiBase).toBe('http://api:1');
    expect(() => connectionFrom({ apiKey: 'sk_test_x', apiBase: 'nope' }, {})).toThrow(UsageError);
  });

  it('builds a JSON body from -d items, odd names kept as plain fields', () => {
    expect(bodyFrom([])).toBeUndefined();
    expect(bodyFrom(['template=a=b', 'count:=3', 'metadata:={"k":"v"}', '{"member":"mem_1"}'])).toEqual({
      template: 'a=b',
      count: 3,
      metadata: { k: 'v' },
      member: 'mem_1',
    });
    const odd = bodyFrom(['__proto__=x', 'constructor=y'])!;
    expect(JSON.stringify(odd)).toBe('{"__proto__":"x","constructor":"y"}');
    expect(Object.getPrototypeOf(odd)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(() => bodyFrom(['=x'])).toThrow(UsageError);
    expect(() => bodyFrom(['noequals'])).toThrow(UsageError);
    expect(() => bodyFrom(['a:={bad'])).toThrow(UsageError);
  });

  it('reads durations and microsecond timestamps', () => {
    expect(durationMs('90')).toBe(90_000);
    expect(durationMs('10m')).toBe(600_000);
    expect(durationMs('1d')).toBe(86_400_000);
    expect(() => durationMs('-1s')).toThrow(UsageError);
    expect(createdMs('2026-01-01T00:00:00.123456+00:00')).toBe(Date.UTC(2026, 0, 1, 0, 0, 0, 123));
  });
});
