import { describe, expect, it } from 'vitest';
import { isIsoDate, timestamp } from '#shared/platform/time';

describe('timestamps and dates', () => {
  it('prints timestamps as the spec does: six fraction digits and an offset', () => {
    expect(timestamp(new Date('2022-05-02T12:20:13.080Z'))).toBe('2022-05-02T12:20:13.080000+00:00');
  });

  it.each([
    ['1993-09-16', true],
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['1993-13-01', false],
    ['1993-9-16', false],
    ['1993-09-16T00:00:00Z', false],
    ['', false],
  ])('isIsoDate(%j) is %s', (text, valid) => {
    expect(isIsoDate(text)).toBe(valid);
  });
});
