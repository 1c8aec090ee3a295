import { describe, expect, it } from 'vitest';
import { compactNumber } from '../../embeds/compact-number.js';

describe('compactNumber', () => {
  it.each([
    [0, '0'],
    [7, '7'],
    [999, '999'],
    [1_000, '1K'],
    [1_049, '1K'],
    [1_050, '1.1K'],
    [1_234, '1.2K'],
    [1_250, '1.3K'],
    [12_345, '12.3K'],
    [999_949, '999.9K'],
    [999_950, '1M'],
    [999_999, '1M'],
    [1_000_000, '1M'],
    [1_500_000, '1.5M'],
    [999_999_999, '1B'],
    [2_500_000_000, '2.5B'],
    [1_000_000_000_000, '1000B'],
  ])('GIVEN %d THEN it shows %j', (input, expected) => {
    expect(compactNumber(input)).toBe(expected);
  });

  it('GIVEN a fraction just under 1000 THEN it rounds to a whole count first', () => {
    expect(compactNumber(999.5)).toBe('1K');
    expect(compactNumber(12.4)).toBe('12');
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('GIVEN %d THEN it throws a RangeError', (input) => {
    expect(() => compactNumber(input)).toThrow(RangeError);
  });
});
